/* case_view.h -- what the case handlers share: who may see a case, and a
 * case as JSON (http/ internal). */
#ifndef HD_HTTP_CASE_VIEW_H
#define HD_HTTP_CASE_VIEW_H

#include "http/handler.h"
#include "store/cases.h"
#include "store/users.h"

/* Officer: a case of one of their communes. Staff: of their province (or
 * any, without one). Admin: any. */
int case_visible(const store_user *u, const store_case *c);
/* Only the officers of the case's commune read the ID number in full. */
int case_is_own(const store_user *u, const store_case *c);

/* Load case req->id into *c when the caller may see it; otherwise answer
 * 404 (a case of another commune does not exist for this caller) and return
 * HD_ENOTFOUND. */
int case_load(const http_req *req, store *s, store_case *c, http_resp *resp);

/* The case's fields as the list and the case page show them. full_id: the
 * decrypted ID number instead of the mask (the caller audits the read). */
cJSON *case_json(const http_req *req, store *s, const store_case *c, int full_id);

#endif
