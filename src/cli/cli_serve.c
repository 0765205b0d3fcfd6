/* cli_serve.c -- `serve`: run the HTTP server until SIGINT or SIGTERM. */
#include "app/app.h"
#include "campaign/campaign.h"
#include "cli/cli.h"
#include "core/log.h"
#include "http/server.h"

#include <signal.h>
#include <stdio.h>

int cli_serve(int argc, char **argv)
{
    http_server *srv = NULL;
    campaign *camp = NULL;
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
    if (app_channels_start(&a, err, sizeof err) != 0) {
        log_error("serve: %s", err);
        app_close(&a);
        return 1;
    }
    if (app_maintenance_start(&a) != 0 || campaign_start(&a, &camp, err, sizeof err) != 0 ||
        http_server_start(&a, &srv, err, sizeof err) != 0) {
        log_error("serve: %s", err[0] ? err : "cannot start");
        campaign_stop(camp);
        app_maintenance_stop(&a);
        app_channels_stop(&a);
        app_close(&a);
        return 1;
    }
    sigwait(&sigs, &sig);
    log_info("serve: signal %d, stopping", sig);
    /* Stop taking requests first, then let the workers finish the message
     * they are sending; what is still queued waits for the next start. */
    http_server_stop(srv);
    campaign_stop(camp);
    app_maintenance_stop(&a);
    app_channels_stop(&a);
    app_close(&a);
    return 0;
}
