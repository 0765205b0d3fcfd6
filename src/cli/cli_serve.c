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
    int sig = 0, status = 0;

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
    /* Everything started is stopped in reverse order, on failure as on a
     * signal: requests first, then what they feed (campaign, maintenance,
     * group commit, delivery). Stopping app_*() parts that never started is
     * harmless. */
    if (app_channels_start(&a, err, sizeof err) != 0 || app_batch_start(&a, err, sizeof err) != 0 ||
        app_maintenance_start(&a) != 0 || campaign_start(&a, &camp, err, sizeof err) != 0 ||
        http_server_start(&a, &srv, err, sizeof err) != 0) {
        log_error("serve: %s", err[0] ? err : "cannot start");
        status = 1;
    } else {
        sigwait(&sigs, &sig);
        log_info("serve: signal %d, stopping", sig);
    }
    http_server_stop(srv);
    campaign_stop(camp);
    app_maintenance_stop(&a);
    app_batch_stop(&a);
    app_channels_stop(&a);
    app_close(&a);
    return status;
}
