// The knowledge base behind the hovers: explanations of SMTP reply codes, enhanced status codes,
// spamdyke and chkuser verdicts, server texts and delivery reports. Pure data and lookups.

export type { Actor, Explanation, Severity, SmtpStage } from './common';
export { REPLY_CODES, REPLY_CLASSES, REPLIES_BY_STAGE, explainReplyCode, replyClass, isListedReplyForStage } from './replyCodes';
export { STATUS_CLASSES, STATUS_SUBJECTS, STATUS_DETAILS, explainEnhancedStatus, parseEnhancedStatus } from './enhancedStatus';
export type { SpamdykeVerdictRow, SpamdykeSource } from './spamdyke';
export { SPAMDYKE_VERDICTS, SPAMDYKE_FILTER_MESSAGES, SPAMDYKE_FIELDS, explainSpamdykeVerdict, explainSpamdykeField, lookupSpamdykeVerdict } from './spamdyke';
export type { ChkuserVerdictRow } from './chkuser';
export { CHKUSER_VERDICTS, explainChkuserVerdict } from './chkuser';
export type { ServerTextRow, ServerTextSource } from './serverTexts';
export { SERVER_TEXTS, explainServerText } from './serverTexts';
export type { DeliveryOutcome, DidCounts, RemoteText } from './delivery';
export { DELIVERY_OUTCOMES, explainDeliveryOutcome, decodeDid, explainDid, decodeDeliveryText, DEFAULT_QUEUE_LIFETIME_SECONDS, RETRY_STEP_SECONDS } from './delivery';
export { PORTS, explainPort, explainRemoteSide, explainNullSender, explainQp } from './identifiers';
