/** Protocol constants shared by the codec, payload helpers and sessions (spec §3.3, §3.4, §4.1, §4.6). */

export const MessageType = {
  InputStreamData: 'input_stream_data',
  OutputStreamData: 'output_stream_data',
  Acknowledge: 'acknowledge',
  ChannelClosed: 'channel_closed',
  StartPublication: 'start_publication',
  PausePublication: 'pause_publication',
  AgentSessionState: 'agent_session_state',
} as const;
export type KnownMessageType = (typeof MessageType)[keyof typeof MessageType];

export const PayloadType = {
  None: 0,
  Output: 1,
  Error: 2,
  Size: 3,
  Parameter: 4,
  HandshakeRequest: 5,
  HandshakeResponse: 6,
  HandshakeComplete: 7,
  EncChallengeRequest: 8,
  EncChallengeResponse: 9,
  Flag: 10,
  StdErr: 11,
  ExitCode: 12,
} as const;

/** Header Flags bits (§3.4). Nobody reads them; we send what the official ends send. */
export const MessageFlags = { None: 0, Syn: 1, Fin: 2, SynFin: 3 } as const;

/** Flag payload values (PayloadType 10, §4.6). */
export const PortFlag = { DisconnectToPort: 1, TerminateSession: 2, ConnectToPortError: 3 } as const;
export type PortFlagValue = (typeof PortFlag)[keyof typeof PortFlag];

/** True for the two sequenced, acknowledged message types. */
export function isStreamMessageType(type: string): boolean {
  return type === MessageType.InputStreamData || type === MessageType.OutputStreamData;
}
