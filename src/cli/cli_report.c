/* cli_report.c -- `report daily`: the campaign's figures on standard output,
 * the same as GET /api/v1/reports/daily gives.
 *
 *   vneid-helpdesk report daily --date 2026-11-10 [--format json|csv] [--week]
 *                               [--province 01]
 *
 * Opens only the database (no PII key) and, for CSV, messages/report.json
 * (the column titles): it can run from cron beside a running server. The clock honours HELPDESK_FAKE_NOW like the
 * server's, so that "open at the end of the day" means the same to both. */
#include "cases/sla.h"
#include "cli/cli.h"
#include "core/buf.h"
#include "core/clock.h"
#include "core/err.h"
#include "core/settings.h"
#include "report/report.h"
#include "store/communes.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define REPORT_OUT_MAX (64 * 1024 * 1024)

static int usage(void)
{
    fputs("usage: vneid-helpdesk report daily [--date YYYY-MM-DD] [--format json|csv] [--week]\n"
          "                                   [--province CODE]\n"
          "  --date      the local day (default: today)\n"
          "  --week      the Monday..Sunday that contains the date\n"
          "  --province  one province only (code of data/communes.tsv)\n", stderr);
    return 2;
}

/* CSV with the labels, JSON without. */
static int print(const report *r, const report_labels *labels)
{
    buf out;
    char *json;
    int rc;

    if (!labels) {
        cJSON *o = report_to_json(r);
        json = o ? cJSON_Print(o) : NULL;
        cJSON_Delete(o);
        if (!json)
            return HD_ENOMEM;
        rc = puts(json) < 0 ? HD_EIO : HD_OK;
        cJSON_free(json);
        return rc;
    }
    buf_init(&out, REPORT_OUT_MAX);
    rc = report_to_csv(r, labels, &out);
    if (rc == HD_OK && fwrite(buf_str(&out), 1, out.len, stdout) != out.len)
        rc = HD_EIO;
    buf_free(&out);
    return rc;
}

static int report_daily(int argc, char **argv)
{
    const char *date = NULL, *format = "json", *province = NULL;
    char today[REPORT_DATE_LEN + 1], err[512] = "", path[SETTINGS_STR_MAX + 32];
    settings cfg;
    sla_hours hours;
    report_labels *labels = NULL;
    report_params p;
    report *r = NULL;
    store *s = NULL;
    int week = 0, rc;

    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--date") == 0 && i + 1 < argc)
            date = argv[++i];
        else if (strcmp(argv[i], "--format") == 0 && i + 1 < argc)
            format = argv[++i];
        else if (strcmp(argv[i], "--province") == 0 && i + 1 < argc)
            province = argv[++i];
        else if (strcmp(argv[i], "--week") == 0)
            week = 1;
        else
            return usage();
    }
    if (strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return usage();

    rc = settings_load(&cfg, NULL, err, sizeof err);
    if (rc == HD_OK)
        rc = sla_parse(cfg.work_hours, (int)cfg.tz_offset_min, &hours, err, sizeof err);
    if (rc) {
        fprintf(stderr, "report: settings: %s\n", err[0] ? err : hd_strerror(rc));
        return 1;
    }
    clock_init(cfg.fake_now_ms);
    /* Before anything slow: a broken messages/report.json fails at once. */
    if (strcmp(format, "csv") == 0 &&
        report_labels_load(cfg.messages_dir, &labels, err, sizeof err) != HD_OK) {
        fprintf(stderr, "report: %s\n", err);
        return 1;
    }
    /* A report of a database that does not exist would create an empty one. */
    if (access(cfg.db_path, F_OK) != 0) {
        fprintf(stderr, "report: no database at %s (HELPDESK_DB)\n", cfg.db_path);
        report_labels_free(labels);
        return 1;
    }
    rc = store_open(cfg.db_path, &s, err, sizeof err);
    if (rc) {
        fprintf(stderr, "report: %s\n", err[0] ? err : hd_strerror(rc));
        report_labels_free(labels);
        return 1;
    }
    /* The names of communes come from this table; the server fills it at
     * start, but a database may never have seen one. Cheap when current. */
    snprintf(path, sizeof path, "%s/communes.tsv", cfg.data_dir);
    if (store_commune_load(s, path, NULL, err, sizeof err) != HD_OK)
        fprintf(stderr, "report: warning: commune names: %s\n", err);
    if (!date) {
        report_local_date(clock_now_ms(), (int)cfg.tz_offset_min, today);
        date = today;
    }
    memset(&p, 0, sizeof p);
    p.date = date;
    p.week = week;
    p.province_code = province;
    p.tz_offset_min = (int)cfg.tz_offset_min;
    p.hours = &hours;
    p.sla_hours = (int)cfg.case_sla_hours;
    p.now_ms = clock_now_ms();
    err[0] = '\0';
    rc = report_build(s, &p, &r, err, sizeof err);
    store_close(s);
    if (rc) {
        fprintf(stderr, "report: %s\n", err[0] ? err : hd_strerror(rc));
        report_labels_free(labels);
        return rc == HD_EINVAL || rc == HD_ENOTFOUND ? 2 : 1;
    }
    rc = print(r, labels);
    report_free(r);
    report_labels_free(labels);
    if (rc || fflush(stdout) != 0) {
        fprintf(stderr, "report: cannot write the report: %s\n", hd_strerror(rc ? rc : HD_EIO));
        return 1;
    }
    return 0;
}

int cli_report(int argc, char **argv)
{
    if (argc >= 2 && strcmp(argv[1], "daily") == 0)
        return report_daily(argc - 2, argv + 2);
    return usage();
}
