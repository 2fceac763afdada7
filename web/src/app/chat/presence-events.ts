// Presence's realtime messages (docs/websocket.md): added to the core transport's typed maps.

export type PresenceStatus = 'online' | 'away' | 'dnd' | 'offline';
export type PresenceMode = 'auto' | 'away' | 'dnd';

export interface PresenceOf {
  user_id: number;
  status: PresenceStatus;
  status_text: string;
}

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    presence: { type: 'presence'; users: PresenceOf[] };
    'presence.ack': { type: 'presence.ack'; id?: string; presence: PresenceOf };
    'presence.subscribed': { type: 'presence.subscribed'; id?: string; users: PresenceOf[] };
  }

  interface ClientMessageMap {
    'presence.set': { mode?: PresenceMode; status_text?: string; idle?: boolean };
    'presence.subscribe': { user_ids: number[] };
  }
}
