/* static.c -- the dashboard's files: GET / is web/index.html, GET /assets/x
 * is web/x. Only plain file names are served (letters, digits, '.', '-',
 * '_'; no '/' and no leading '.'), so nothing outside web/ can be reached. */
#include "core/err.h"
#include "routes.h"

#include <stdio.h>
#include <string.h>

#define STATIC_FILE_MAX (1024 * 1024)

static const struct { const char *ext, *type; } types[] = {
    { ".html", "text/html; charset=utf-8" },
    { ".js",   "text/javascript; charset=utf-8" },
    { ".css",  "text/css; charset=utf-8" },
    { ".svg",  "image/svg+xml" },
    { ".png",  "image/png" },
    { ".ico",  "image/x-icon" },
    { ".json", "application/json; charset=utf-8" },
};

static const char *type_of(const char *name)
{
    const char *dot = strrchr(name, '.');

    for (size_t i = 0; dot && i < sizeof types / sizeof types[0]; i++)
        if (strcmp(dot, types[i].ext) == 0)
            return types[i].type;
    return NULL;
}

static int name_ok(const char *name)
{
    if (!*name || *name == '.' || strlen(name) > 64)
        return 0;
    for (const char *p = name; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
              (*p >= '0' && *p <= '9') || *p == '.' || *p == '-' || *p == '_'))
            return 0;
    return 1;
}

int http_static(const http_req *req, http_resp *resp)
{
    const char *name = strcmp(req->path, "/") == 0 ? "index.html" : req->path + strlen("/assets/");
    const char *type;
    char path[SETTINGS_STR_MAX + 80], chunk[8192];
    size_t n;
    FILE *f;
    int rc = HD_OK;

    if (!name_ok(name) || !(type = type_of(name)))
        return http_reply_error(resp, 404, "not_found", "no such file");
    snprintf(path, sizeof path, "%s/%s", req->app->cfg.web_dir, name);
    f = fopen(path, "rb");
    if (!f)
        return http_reply_error(resp, 404, "not_found", "no such file");
    buf_reset(&resp->body);
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        if (resp->body.len + n > STATIC_FILE_MAX || (rc = buf_append(&resp->body, chunk, n))) {
            rc = HD_ETOOBIG;
            break;
        }
    }
    fclose(f);
    if (rc)
        return http_reply_error(resp, 500, "internal", "file too large");
    resp->status = 200;
    resp->content_type = type;
    return HD_OK;
}
