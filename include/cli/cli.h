/* cli.h -- the commands of build/vneid-helpdesk, one file each. Each returns
 * the process exit status (0 ok, 1 failure, 2 bad usage). */
#ifndef HD_CLI_CLI_H
#define HD_CLI_CLI_H

int cli_serve(int argc, char **argv);
int cli_chat(int argc, char **argv);
int cli_classify(int argc, char **argv);
int cli_user(int argc, char **argv);
int cli_report(int argc, char **argv);

/* Shared by commands: load settings and open the app with n_stores
 * connections (0: one per HTTP thread plus one), creating the database's directory when missing. Prints the
 * reason to stderr on failure. */
struct app;
int cli_open_app(struct app *a, int n_stores);

#endif
