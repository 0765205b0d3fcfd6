/* test_httpc.c -- the libcurl wrapper against a tiny server in this process. */
#include "test.h"
#include "tinyhttpd.h"
#include "channel/httpc.h"
#include "core/buf.h"
#include "core/err.h"

#include <stdlib.h>

static tinyhttpd srv;

static void start(void)
{
    CHECK_INT(httpc_global_init(), HD_OK);
    CHECK_INT(th_start(&srv), 0);
}

static void stop(void)
{
    th_stop(&srv);
    httpc_global_cleanup();
}

static void url(char *out, size_t cap, const char *path)
{
    snprintf(out, cap, "http://127.0.0.1:%d%s", srv.port, path);
}

static void test_post_json_200(void)
{
    char u[128], err[256] = "", v[256];
    static const char body[] = "{\"a\":\"\xc3\xa1\"}";
    httpc_req rq = { .method = "POST", .url = u, .body = body, .body_len = sizeof body - 1,
                     .headers = { "Content-Type: application/json", "access_token: tok123" } };
    httpc_resp rs;
    th_seen s;

    start();
    url(u, sizeof u, "/v3.0/oa/message/cs?x=1");
    th_push(&srv, 200, "Content-Type: application/json\r\n", "{\"error\":0}", 0, 0);
    buf_init(&rs.body, 4096);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.status, 200);
    CHECK_INT(rs.retry_after_s, -1);
    CHECK_STR(buf_str(&rs.body), "{\"error\":0}");
    CHECK_INT(th_count(&srv), 1);
    s = th_get(&srv, 0);
    CHECK_STR(s.method, "POST");
    CHECK_STR(s.path, "/v3.0/oa/message/cs?x=1");
    CHECK_STR(s.body, body);
    CHECK_INT(s.body_len, sizeof body - 1);
    CHECK_STR(th_header(&s, "access_token", v, sizeof v), "tok123");
    CHECK_STR(th_header(&s, "Content-Type", v, sizeof v), "application/json");
    CHECK_STR(th_header(&s, "Expect", v, sizeof v), "");
    buf_free(&rs.body);
    stop();
}

static void test_get_and_status(void)
{
    char u[128], err[256] = "";
    httpc_req rq = { .method = "GET", .url = u };
    httpc_resp rs;

    start();
    url(u, sizeof u, "/cgi-bin/sendsms?username=bot&password=botpw");
    th_push(&srv, 202, NULL, "0: Accepted for delivery", 0, 0);
    th_push(&srv, 403, NULL, "Authorization failed for sendsms", 0, 0);
    buf_init(&rs.body, 1024);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.status, 202);
    CHECK_STR(buf_str(&rs.body), "0: Accepted for delivery");
    CHECK_STR(th_get(&srv, 0).method, "GET");
    /* Any HTTP answer is HD_OK; the status tells the rest. */
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.status, 403);
    CHECK_STR(buf_str(&rs.body), "Authorization failed for sendsms");
    buf_free(&rs.body);
    stop();
}

static void test_retry_after(void)
{
    char u[128], err[256] = "";
    httpc_req rq = { .method = "GET", .url = u };
    httpc_resp rs;

    start();
    url(u, sizeof u, "/x");
    th_push(&srv, 503, "Retry-After: 7\r\n", "busy", 0, 0);
    th_push(&srv, 503, "retry-after:  120 \r\n", "busy", 0, 0);
    th_push(&srv, 503, "Retry-After: Wed, 21 Oct 2015 07:28:00 GMT\r\n", "busy", 0, 0);
    th_push(&srv, 200, NULL, "ok", 0, 0);
    buf_init(&rs.body, 1024);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.status, 503);
    CHECK_INT(rs.retry_after_s, 7);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.retry_after_s, 120);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.retry_after_s, -1);        /* date form: read as absent */
    /* A previous answer's value must not stick to the next one. */
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.status, 200);
    CHECK_INT(rs.retry_after_s, -1);
    buf_free(&rs.body);
    stop();
}

static void test_timeout_is_retry(void)
{
    char u[128], err[256] = "";
    httpc_req rq = { .method = "POST", .url = u, .body = "a=1", .body_len = 3, .timeout_ms = 300 };
    httpc_resp rs;

    start();
    url(u, sizeof u, "/slow?password=SECRETPW");
    th_push(&srv, 200, NULL, "late", 0, 2000);
    buf_init(&rs.body, 1024);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_ERETRY);
    CHECK_MSG(err[0] != '\0', "error sentence filled");
    /* The error names the host, never the query with its password. */
    CHECK_MSG(strstr(err, "127.0.0.1") != NULL, "err names the host: %s", err);
    CHECK_MSG(strstr(err, "SECRETPW") == NULL && strstr(err, "/slow") == NULL,
              "err leaks the url: %s", err);
    buf_free(&rs.body);
    stop();
}

static void test_refused_is_retry(void)
{
    char u[128], err[256] = "";
    httpc_req rq = { .method = "GET", .url = u, .timeout_ms = 2000 };
    httpc_resp rs;
    int port;

    start();
    port = srv.port;
    stop();         /* nobody listens on that port any more */
    CHECK_INT(httpc_global_init(), HD_OK);
    snprintf(u, sizeof u, "http://user:pw@127.0.0.1:%d/x?token=SECRET", port);
    buf_init(&rs.body, 1024);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_ERETRY);
    CHECK_INT(rs.status, 0);
    CHECK_MSG(strstr(err, "SECRET") == NULL && strstr(err, "pw@") == NULL, "leak: %s", err);
    buf_free(&rs.body);
    httpc_global_cleanup();
}

static void test_oversize_body(void)
{
    char u[128], err[256] = "";
    httpc_req rq = { .method = "GET", .url = u };
    httpc_resp rs;
    size_t big = HTTPC_BODY_MAX + 1000;
    char *body = malloc(big);

    start();
    memset(body, 'x', big);
    url(u, sizeof u, "/big");
    th_push(&srv, 200, NULL, body, 2000, 0);  /* over the caller's 1 KiB bound */
    th_push(&srv, 200, NULL, body, big, 0);   /* over HTTPC_BODY_MAX itself */
    th_push(&srv, 200, NULL, body, 1024, 0);  /* exactly at the bound */
    buf_init(&rs.body, 1024);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_ETOOBIG);
    CHECK_MSG(rs.body.len <= 1024, "len %zu", rs.body.len);
    buf_free(&rs.body);
    buf_init(&rs.body, (size_t)16 << 20);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_ETOOBIG);
    CHECK_MSG(rs.body.len <= HTTPC_BODY_MAX, "len %zu", rs.body.len);
    buf_free(&rs.body);
    buf_init(&rs.body, 1024);
    CHECK_INT(httpc_do(&rq, &rs, err, sizeof err), HD_OK);
    CHECK_INT(rs.body.len, 1024);
    buf_free(&rs.body);
    free(body);
    stop();
}

static void test_bad_args(void)
{
    char err[128] = "";
    httpc_resp rs;
    httpc_req put = { .method = "PUT", .url = "http://127.0.0.1:1/" };
    httpc_req nourl = { .method = "GET" };

    buf_init(&rs.body, 64);
    CHECK_INT(httpc_do(&put, &rs, err, sizeof err), HD_EINVAL);
    CHECK_INT(httpc_do(&nourl, &rs, err, sizeof err), HD_EINVAL);
    CHECK_INT(httpc_do(NULL, &rs, err, sizeof err), HD_EINVAL);
    buf_free(&rs.body);
}

static void test_urlencode(void)
{
    buf b;

    buf_init(&b, 256);
    /* Expected strings written by hand from RFC 3986: unreserved bytes stay,
     * everything else (space, '&', '=', '+', '/', UTF-8 bytes) is %XX. */
    CHECK_INT(httpc_urlencode("aZ09-._~", 8, &b), HD_OK);
    CHECK_STR(buf_str(&b), "aZ09-._~");
    buf_reset(&b);
    CHECK_INT(httpc_urlencode("a b&c=d+e/f?", 12, &b), HD_OK);
    CHECK_STR(buf_str(&b), "a%20b%26c%3Dd%2Be%2Ff%3F");
    buf_reset(&b);
    CHECK_INT(httpc_urlencode("k\xc3\xad" "ch", 5, &b), HD_OK);   /* "kích" */
    CHECK_STR(buf_str(&b), "k%C3%ADch");
    buf_reset(&b);
    CHECK_INT(httpc_urlencode("a\0b", 3, &b), HD_OK);
    CHECK_STR(buf_str(&b), "a%00b");
    /* Appends to what is there. */
    CHECK_INT(httpc_urlencode("%", 1, &b), HD_OK);
    CHECK_STR(buf_str(&b), "a%00b%25");
    buf_free(&b);
    /* Bounded: HD_ETOOBIG instead of growing. */
    buf_init(&b, 4);
    CHECK_INT(httpc_urlencode("  ", 2, &b), HD_ETOOBIG);
    buf_free(&b);
}

TEST_MAIN(T(test_post_json_200), T(test_get_and_status), T(test_retry_after),
          T(test_timeout_is_retry), T(test_refused_is_retry), T(test_oversize_body),
          T(test_bad_args), T(test_urlencode))
