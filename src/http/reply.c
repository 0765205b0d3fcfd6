/* reply.c -- building answers and reading request details for handlers. */
#include "http/handler.h"

#include "core/err.h"

#include <microhttpd.h>
#include <string.h>

const char *http_arg(const http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_GET_ARGUMENT_KIND, name);
}

const char *http_header(const http_req *req, const char *name)
{
    return MHD_lookup_connection_value(req->conn, MHD_HEADER_KIND, name);
}

int http_reply_text(http_resp *resp, int status, const char *content_type, const char *text)
{
    resp->status = status;
    resp->content_type = content_type;
    buf_reset(&resp->body);
    return buf_appends(&resp->body, text);
}

int http_reply_json(http_resp *resp, int status, cJSON *obj)
{
    char *s;
    int rc;

    if (!obj)
        return http_reply_error(resp, 500, "internal", "out of memory");
    s = cJSON_PrintUnformatted(obj);
    cJSON_Delete(obj);
    if (!s)
        return http_reply_error(resp, 500, "internal", "out of memory");
    rc = http_reply_text(resp, status, "application/json; charset=utf-8", s);
    cJSON_free(s);
    return rc;
}

int http_reply_error(http_resp *resp, int status, const char *code, const char *message)
{
    cJSON *o = cJSON_CreateObject(), *e = cJSON_AddObjectToObject(o, "error");
    char *s;

    cJSON_AddStringToObject(e, "code", code);
    cJSON_AddStringToObject(e, "message", message);
    s = cJSON_PrintUnformatted(o);
    cJSON_Delete(o);
    resp->status = status;
    resp->content_type = "application/json; charset=utf-8";
    buf_reset(&resp->body);
    /* Even when out of memory the client must get a JSON body. */
    buf_appends(&resp->body, s ? s : "{\"error\":{\"code\":\"internal\",\"message\":\"out of memory\"}}");
    cJSON_free(s);
    return HD_OK;
}

cJSON *http_body_json(const http_req *req, http_resp *resp)
{
    cJSON *j;

    if (req->body_len == 0) {
        http_reply_error(resp, 400, "bad_request", "a JSON body is required");
        return NULL;
    }
    j = cJSON_ParseWithLength(req->body, req->body_len);
    if (!j || !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        http_reply_error(resp, 400, "bad_json", "the body must be a JSON object");
        return NULL;
    }
    return j;
}
