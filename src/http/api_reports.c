/* api_reports.c -- GET /api/v1/reports/daily?date=YYYY-MM-DD[&format=json|csv]
 * [&week=1][&province=CODE]: the campaign's figures (include/report/report.h).
 *
 * Who sees what: the route is staff-only (officers get 403: their queue is
 * their report, and the figures of a commune's contacts are not theirs to
 * compare). Staff of a province see only it (asking for another answers
 * 403); staff of every province and admins see all, or one with ?province.
 * No date means the local today; a date in the future is a bad date. */
#include "core/clock.h"
#include "core/err.h"
#include "core/log.h"
#include "report/report.h"
#include "routes.h"
#include "store/users.h"

#include <stdio.h>
#include <string.h>

/* A flag argument: absent, "0"/"false" -> 0, "1"/"true" -> 1, else -1. */
static int flag_arg(const char *v)
{
    if (!v || !*v || strcmp(v, "0") == 0 || strcmp(v, "false") == 0)
        return 0;
    if (strcmp(v, "1") == 0 || strcmp(v, "true") == 0)
        return 1;
    return -1;
}

int http_reports_daily(const http_req *req, http_resp *resp)
{
    const char *date = http_arg(req, "date"), *format = http_arg(req, "format");
    const char *province = http_arg(req, "province");
    int week = flag_arg(http_arg(req, "week")), csv, rc;
    char today[REPORT_DATE_LEN + 1], err[256] = "";
    int64_t now = clock_now_ms();
    report *r = NULL;
    report_params p;
    store *s;

    if (format && *format && strcmp(format, "json") != 0 && strcmp(format, "csv") != 0)
        return http_reply_error(resp, 400, "bad_format", "format must be json or csv");
    csv = format && strcmp(format, "csv") == 0;
    if (week < 0)
        return http_reply_error(resp, 400, "bad_week", "week must be 1 or 0");
    if (province && !*province)
        province = NULL;
    if (req->user->role == USER_STAFF && req->user->province_code[0]) {
        if (province && strcmp(province, req->user->province_code) != 0)
            return http_reply_error(resp, 403, "forbidden",
                                    "this account sees the reports of its own province only");
        province = req->user->province_code;
    }
    if (!date || !*date) {
        report_local_date(now, (int)req->app->cfg.tz_offset_min, today);
        date = today;
    }

    memset(&p, 0, sizeof p);
    p.date = date;
    p.week = week;
    p.province_code = province;
    p.tz_offset_min = (int)req->app->cfg.tz_offset_min;
    p.hours = &req->app->hours;
    p.sla_hours = (int)req->app->cfg.case_sla_hours;
    p.now_ms = now;
    s = app_store_acquire(req->app);
    rc = report_build(s, &p, &r, err, sizeof err);
    app_store_release(req->app, s);
    if (rc == HD_EINVAL)
        return http_reply_error(resp, 400, "bad_date", err);
    if (rc == HD_ENOTFOUND)
        return http_reply_error(resp, 400, "bad_province", err);
    if (rc) {
        log_error("reports: %s", err[0] ? err : hd_strerror(rc));
        return rc;
    }
    if (!csv) {
        rc = http_reply_json(resp, 200, report_to_json(r));
    } else {
        resp->status = 200;
        resp->content_type = "text/csv; charset=utf-8";
        buf_reset(&resp->body);
        report_csv_filename(r, resp->filename, sizeof resp->filename);
        rc = report_to_csv(r, req->app->report_labels, &resp->body);
    }
    report_free(r);
    return rc;
}
