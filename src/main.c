/* main.c -- the command line: vneid-helpdesk <command> [options]. */
#include "cli/cli.h"

#include <stdio.h>
#include <string.h>

static void usage(FILE *f)
{
    fputs("usage: vneid-helpdesk <command> [options]\n"
          "\n"
          "commands:\n"
          "  serve                              start the HTTP server (webhooks, API, dashboard)\n"
          "  chat [--contact ID] [--channel sms|zalo]\n"
          "                                     talk to the help line in this terminal\n"
          "  classify                           one message per line on stdin -> one JSON line each\n"
          "  user add --name N --role officer|staff|admin [--commune CODE ...] [--province CODE]\n"
          "                                     create an account; prints its token once\n"
          "  report daily [--date YYYY-MM-DD] [--format json|csv] [--week] [--province CODE]\n"
          "                                     the campaign's figures per commune and province\n"
          "\n"
          "Settings come from the environment and an optional .env file; see .env.example.\n",
          f);
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (strcmp(argv[1], "serve") == 0)
        return cli_serve(argc - 1, argv + 1);
    if (strcmp(argv[1], "chat") == 0)
        return cli_chat(argc - 1, argv + 1);
    if (strcmp(argv[1], "classify") == 0)
        return cli_classify(argc - 1, argv + 1);
    if (strcmp(argv[1], "user") == 0)
        return cli_user(argc - 1, argv + 1);
    if (strcmp(argv[1], "report") == 0)
        return cli_report(argc - 1, argv + 1);
    if (strcmp(argv[1], "help") == 0 || strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
        usage(stdout);
        return 0;
    }
    fprintf(stderr, "vneid-helpdesk: unknown command '%s'\n\n", argv[1]);
    usage(stderr);
    return 2;
}
