/* flow_int.h -- the loaded flow as the engine walks it (private to dialog/).
 *
 * flow.c reads messages/flow.json, cases.json, intake.json, campaign.json and
 * answers.json, node.c turns each node object into a dlg_node and checks it;
 * after loading everything is
 * resolved to indices, so the engine never looks a name up twice and never
 * meets a dangling reference. Strings point into the parsed cJSON documents
 * (kept alive by the flow) or into memory listed in dlg_flow.owned. */
#ifndef HD_DIALOG_FLOW_INT_H
#define HD_DIALOG_FLOW_INT_H

#include "dialog/engine.h"
#include "nlu/intents.h"

#include <cjson/cJSON.h>

#define DLG_FLOW_FILES    5         /* flow.json, cases.json, intake.json, campaign.json,
                                       answers.json (last) */
#define DLG_FLOW_FILE_MAX (1u << 20)
#define DLG_NODE_TEXT_MAX 1000      /* bytes; two of them must fit a reply */
#define DLG_ESC_TOPIC     "$topic"  /* escalate with the current topic as reason */

enum { DLG_MEANS_NONE = 0, DLG_MEANS_YES, DLG_MEANS_NO };
enum { DLG_OUTCOME_NONE = 0, DLG_OUTCOME_SOLVED, DLG_OUTCOME_FAILED };
enum { DLG_TOPIC_CLEAR = 0, DLG_TOPIC_SET, DLG_TOPIC_KEEP };

typedef struct dlg_option {
    const char *label;
    int         go;        /* node index */
    int         means;     /* DLG_MEANS_*: what yes/no words pick it */
    int         outcome;   /* DLG_OUTCOME_*: recorded for the topic */
} dlg_option;

typedef struct dlg_node {
    const char *id;
    const char *file;               /* where it was defined, for errors */
    const char *text;               /* outcome question already appended */
    dlg_option  options[DLG_OPTIONS_MAX];
    int         n_options;
    int         topic_mode;         /* DLG_TOPIC_* */
    const char *topic;              /* intent id when DLG_TOPIC_SET */
    dlg_help    help;               /* when entered by a question */
    const char *escalate;           /* reason, DLG_ESC_TOPIC, or NULL */
    int         opt_out, opt_in;
    int         then;               /* node shown right after (text+options), -1 */
    int         on_unknown;         /* node for text not understood here, -1 */
    /* Names as written in the file, until dlg_nodes_resolve(). */
    const char *then_id, *unknown_id;
    const char *goto_id[DLG_OPTIONS_MAX];
    int         worked;                        /* "worked" shorthand used */
    const char *ask_key, *yes_key, *no_key;    /* its texts */
} dlg_node;

/* Words compared with the folded form of a message (nlu_text.folded). */
typedef struct dlg_words {
    char **w;
    int    n;
} dlg_words;

enum {
    DLG_W_MENU = 0,   /* whole message: back to the main menu */
    DLG_W_OPT_OUT,    /* whole message: stop messages */
    DLG_W_OPT_IN,     /* whole message: messages again (only when opted out) */
    DLG_W_YES,        /* whole message */
    DLG_W_NO,         /* whole message */
    DLG_W_YES_IN,     /* phrase anywhere (on word boundaries) */
    DLG_W_NO_IN,      /* phrase anywhere */
    DLG_W_NO_WORD,    /* anywhere, when nothing else is understood */
    DLG_W_INTAKE_CANCEL, /* whole message: leave the case intake */
    DLG_W_CONFIRM_SEND,  /* whole message, at the intake's summary: send it */
    DLG_W_CONFIRM_REDO,  /* whole message, at the intake's summary: start again */
    DLG_W_COUNT
};

struct dlg_flow {
    cJSON      *docs[DLG_FLOW_FILES];
    char       *paths[DLG_FLOW_FILES];         /* for error messages */
    dlg_node   *nodes;
    int         n_nodes, cap_nodes;
    const char **text_keys, **text_vals;
    int         n_texts, cap_texts;
    dlg_words   words[DLG_W_COUNT];
    int         intent_node[NLU_INTENT_COUNT];
    int         menu, greeting, unknown, opt_out, opt_in;  /* node indices */
    int         intake_cancelled, noted;                   /* node indices */
    int         unknown_again;   /* node for a second miss in a row; -1: none */
    const char *greeting_short;
    char      **owned;
    int         n_owned, cap_owned;
};

int  dlg_flow_find(const dlg_flow *f, const char *id);
const char *dlg_flow_word_list_name(int list);
int  dlg_flow_own(dlg_flow *f, char *p);          /* frees p on failure */
int  dlg_id_valid(const char *s, size_t max);     /* [a-z0-9_], 1..max-1 */
int  dlg_text_valid(const char *s);               /* non-blank UTF-8 */

/* node.c */
int  dlg_node_parse(dlg_flow *f, const char *file, const cJSON *item,
                    char *err, size_t errlen);
int  dlg_nodes_resolve(dlg_flow *f, char *err, size_t errlen);

/* words.c */
int  dlg_words_exact(const dlg_words *w, const char *folded);
int  dlg_words_contain(const dlg_words *w, const char *folded);

#endif
