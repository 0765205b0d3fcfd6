/* webhook.h -- shared steps of the providers' webhooks (http/ internal). */
#ifndef HD_HTTP_WEBHOOK_H
#define HD_HTTP_WEBHOOK_H

#include "channel/channel.h"
#include "http/handler.h"
#include "ingest/ingest.h"

/* The adapter's view of the request (raw query and body, headers). */
void webhook_request(const http_req *req, chan_request *out);
/* Record what arrived and answer once it is on disk (replies queued, the
 * delivery worker woken). Takes in (malloc'ed; freed here in every case).
 * Returns HTTP_PENDING (the group commit answers), or HD_OK when it has
 * answered at once (503 when the group commit is not running or stopping). */
int  webhook_ingest(const http_req *req, http_resp *resp, dlg_channel ch, chan_inbound *in);
/* 200 {"status":"accepted"|"duplicate"}, or 503/500 with a JSON error. */
int  webhook_reply_ingested(http_resp *resp, int rc, int duplicate);

#endif
