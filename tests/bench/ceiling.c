/* ceiling.c -- the machine's ceiling for the inbound benchmark: the same
 * libmicrohttpd set-up as the help line (internal thread pool, epoll), with
 * a handler that answers 200 and does nothing else.
 *
 *   ceiling PORT THREADS */
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static enum MHD_Result answer(void *cls, struct MHD_Connection *c, const char *url,
                              const char *method, const char *version, const char *data,
                              size_t *size, void **ctx)
{
    static int marker;
    struct MHD_Response *r;
    enum MHD_Result ret;

    (void)cls; (void)url; (void)method; (void)version; (void)data;
    if (!*ctx) {            /* first call: headers only */
        *ctx = &marker;
        return MHD_YES;
    }
    if (*size) {            /* discard the body */
        *size = 0;
        return MHD_YES;
    }
    r = MHD_create_response_from_buffer(2, (void *)"ok", MHD_RESPMEM_PERSISTENT);
    ret = MHD_queue_response(c, 200, r);
    MHD_destroy_response(r);
    return ret;
}

int main(int argc, char **argv)
{
    struct MHD_Daemon *d;
    sigset_t s;
    int sig;

    if (argc != 3)
        return 2;
    sigemptyset(&s);
    sigaddset(&s, SIGTERM);
    sigaddset(&s, SIGINT);
    pthread_sigmask(SIG_BLOCK, &s, NULL);
    d = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL, (uint16_t)atoi(argv[1]),
                         NULL, NULL, answer, NULL, MHD_OPTION_THREAD_POOL_SIZE,
                         (unsigned)atoi(argv[2]), MHD_OPTION_CONNECTION_LIMIT, 4096u,
                         MHD_OPTION_END);
    if (!d)
        return 1;
    sigwait(&s, &sig);
    MHD_stop_daemon(d);
    return 0;
}
