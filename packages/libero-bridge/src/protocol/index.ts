export { PROTOCOL_VERSION, PROTOCOL_VERSION_FEATURES } from './protocol-version.ts';
export { BLOB_DTYPES, DEFAULT_FRAME_LIMITS, FRAME_PREFIX_BYTES } from './frame.ts';
export type { Blob, BlobDtype, BlobInput, BlobSpec, Frame, FrameLimits } from './frame.ts';
export { encodeFrame } from './encode-frame.ts';
export { decodeFrame, FrameDecoder } from './frame-decoder.ts';
export { decodeObservation, decodeStepResult, decodeSuites, errorFromReply } from './decode-reply.ts';
export { REPLY_TYPE } from './messages.ts';
export type {
  BridgeRequest,
  CloseRequest,
  ErrorReplyBody,
  FeaturesBatchRequest,
  HelloRequest,
  ListSuitesRequest,
  ResetRequest,
  StepRequest,
} from './messages.ts';
