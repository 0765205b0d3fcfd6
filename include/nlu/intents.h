/* intents.h -- the intent ids of ../shared/intents.tsv.
 *
 * The ids are part of the external interface (classify output, help request
 * rows, reports), so they are fixed here once; everything else about an
 * intent (examples, answers) lives in messages/. */
#ifndef HD_NLU_INTENTS_H
#define HD_NLU_INTENTS_H

#define NLU_INTENT_MAP(X)              \
    X(NLU_UNKNOWN, "unknown")          \
    X(NLU_GREETING, "greeting")        \
    X(NLU_MENU, "menu")                \
    X(NLU_INSTALL_APP, "install_app")  \
    X(NLU_REGISTER_LEVEL1, "register_level1") \
    X(NLU_REGISTER_LEVEL2, "register_level2") \
    X(NLU_ACTIVATE_ACCOUNT, "activate_account") \
    X(NLU_PENDING_APPROVAL, "pending_approval") \
    X(NLU_OTP_NOT_RECEIVED, "otp_not_received") \
    X(NLU_FORGOT_PASSCODE, "forgot_passcode") \
    X(NLU_DEVICE_CHANGE, "device_change") \
    X(NLU_PHONE_CHANGE, "phone_change") \
    X(NLU_SIM_NOT_OWNER, "sim_not_owner") \
    X(NLU_CHIP_FACE_ERROR, "chip_face_error") \
    X(NLU_APP_ERROR, "app_error")      \
    X(NLU_INTEGRATE_DOCUMENTS, "integrate_documents") \
    X(NLU_PUBLIC_SERVICES_LOGIN, "public_services_login") \
    X(NLU_ELIGIBILITY, "eligibility")  \
    X(NLU_DOCUMENTS_NEEDED, "documents_needed") \
    X(NLU_WHERE_TO_GO, "where_to_go")  \
    X(NLU_BENEFITS, "benefits")        \
    X(NLU_SCAM_REPORT, "scam_report")  \
    X(NLU_HUMAN_AGENT, "human_agent")  \
    X(NLU_OPT_OUT, "opt_out")          \
    X(NLU_ACTIVATION_DONE, "activation_done") \
    X(NLU_THANKS, "thanks")

typedef enum nlu_intent {
#define NLU_INTENT_ENUM(e, id) e,
    NLU_INTENT_MAP(NLU_INTENT_ENUM)
#undef NLU_INTENT_ENUM
    NLU_INTENT_COUNT
} nlu_intent;

/* "greeting" etc.; "unknown" for an out-of-range value. */
const char *nlu_intent_id(nlu_intent i);
/* NLU_UNKNOWN when the id is not one of the list (check with nlu_intent_valid). */
nlu_intent nlu_intent_from_id(const char *id);
int nlu_intent_valid(const char *id);

#endif
