/* cli_chat.c -- `chat`: hold a conversation with the help line in a terminal.
 *
 * The contact and its state live in the same database as the server's, so a
 * conversation can be continued later (or inspected by the server). Replies
 * are shown as the chosen channel would render them: full Vietnamese by
 * default, or the unaccented SMS form with --channel sms. */
#include "app/app.h"
#include "cli/cli.h"
#include "core/clock.h"
#include "core/err.h"
#include "ingest/ingest.h"
#include "store/contacts.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHAT_LINE_MAX 4096

static void print_indented(const char *text)
{
    const char *p = text;

    while (*p) {
        size_t n = strcspn(p, "\n");
        printf("  %.*s\n", (int)n, p);
        p += n;
        if (*p == '\n')
            p++;
    }
}

static void show(const ingest_result *res, dlg_channel ch, int tty)
{
    char text[DLG_TEXT_MAX * 2];

    for (int i = 0; i < res->step.n_replies; i++) {
        dlg_render(&res->step.replies[i], ch, text, sizeof text);
        print_indented(text);
        printf("\n");
    }
    /* For the person testing the help line: what the edges would do. */
    for (int i = 0; i < res->step.n_actions; i++)
        printf("  %s[%s %s]%s\n", tty ? "\033[2m" : "", res->step.actions[i].name,
               res->step.actions[i].arg, tty ? "\033[0m" : "");
}

int cli_chat(int argc, char **argv)
{
    const char *contact = "console";
    dlg_channel ch = DLG_CH_CONSOLE;
    char line[CHAT_LINE_MAX], err[256];
    ingest_result *res;
    ingest_env env;
    int tty = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);
    store *s;
    app a;
    int rc = 0;

    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--contact") == 0 && i + 1 < argc) {
            contact = argv[++i];
        } else if (strcmp(argv[i], "--channel") == 0 && i + 1 < argc) {
            if (dlg_channel_parse(argv[++i], &ch) != HD_OK) {
                fprintf(stderr, "chat: --channel must be sms or zalo\n");
                return 2;
            }
        } else {
            fprintf(stderr, "usage: vneid-helpdesk chat [--contact ID] [--channel sms|zalo]\n");
            return 2;
        }
    }
    if (strlen(contact) == 0 || strlen(contact) >= STORE_ADDRESS_MAX) {
        fprintf(stderr, "chat: --contact must be 1 to %d characters\n", STORE_ADDRESS_MAX - 1);
        return 2;
    }
    if (cli_open_app(&a, 1) != 0)
        return 1;
    res = malloc(sizeof *res);
    if (!res) {
        app_close(&a);
        return 1;
    }
    if (tty)
        printf("vneid-helpdesk chat: contact %s on %s. Ctrl-D to leave.\n\n", contact,
               dlg_channel_name(ch));
    app_ingest_env(&a, &env);
    s = app_store_acquire(&a);
    for (;;) {
        if (tty) {
            printf("> ");
            fflush(stdout);
        }
        if (!fgets(line, sizeof line, stdin))
            break;
        /* A line longer than the buffer is taken in pieces, each a message:
         * better than dropping what the person typed. */
        line[strcspn(line, "\r\n")] = '\0';
        if (!tty)
            printf("> %s\n", line);
        ingest_msg in = {
            .channel = ch, .address = contact, .text = line, .len = strlen(line),
            .now_ms = clock_now_ms(), .delivery = INGEST_SHOW,
        };
        rc = ingest_message(s, &env, &in, res, err, sizeof err);
        if (rc) {
            fprintf(stderr, "chat: %s\n", err);
            break;
        }
        show(res, ch, tty);
        fflush(stdout);
    }
    app_store_release(&a, s);
    free(res);
    app_close(&a);
    return rc ? 1 : 0;
}
