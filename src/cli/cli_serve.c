/* cli_serve.c -- `serve`: run the HTTP server until SIGINT or SIGTERM. */
#include "app/app.h"
#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"

#include <signal.h>
#include <stdio.h>

int cli_serve(int argc, char **argv)
{
    http_server *srv = NULL;
    char err[512] = "";
    sigset_t sigs;
    app a;
    int sig = 0;

    (void)argc;
    (void)argv;
    /* Block the stop signals before any thread starts so that every thread
     * inherits the mask and only sigwait() below receives them. */
    sigemptyset(&sigs);
    sigaddset(&sigs, SIGINT);
    sigaddset(&sigs, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &sigs, NULL);
    signal(SIGPIPE, SIG_IGN);

    if (cli_open_app(&a, 0) != 0)
        return 1;
    if (http_server_start(&a, &srv, err, sizeof err) != 0) {
        log_error("serve: %s", err);
        app_close(&a);
        return 1;
    }
    sigwait(&sigs, &sig);
    log_info("serve: signal %d, stopping", sig);
    http_server_stop(srv);
    app_close(&a);
    return 0;
}
