/* ingest_int.h -- shared by the files of src/ingest/. */
#ifndef HD_INGEST_INT_H
#define HD_INGEST_INT_H

#include "dialog/engine.h"

/* The first action of r named name, or NULL. */
const dlg_action *ingest_find_action(const dlg_result *r, const char *name);

#endif
