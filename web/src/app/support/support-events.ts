// Support's realtime messages (docs/websocket.md): added to the core transport's typed maps.

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    'support.updated': { type: 'support.updated'; conversation: { id: number; status: string } };
    'support.note': { type: 'support.note'; conversation_id: number; note: { id: number; text: string } };
  }
}

export {};
