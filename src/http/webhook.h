/* webhook.h -- shared steps of the providers' webhooks (http/ internal). */
#ifndef HD_HTTP_WEBHOOK_H
#define HD_HTTP_WEBHOOK_H

#include "channel/channel.h"
#include "http/handler.h"
#include "ingest/ingest.h"

/* The adapter's view of the request (raw query and body, headers). */
void webhook_request(const http_req *req, chan_request *out);
/* Record and answer what arrived, queueing replies; wakes the worker. */
int  webhook_ingest(const http_req *req, dlg_channel ch, const chan_inbound *in,
                    int *duplicate);
/* 200 {"status":"accepted"|"duplicate"}, or 503/500 with a JSON error. */
int  webhook_reply_ingested(http_resp *resp, int rc, int duplicate);

#endif
