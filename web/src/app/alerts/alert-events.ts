// The alerts' realtime messages (docs/websocket.md, "Alerts"): added to the core transport's typed maps.
import { Alert, AlertPriority, AlertReceipt, AlertStatus } from './alerts-api';

declare module '../core/realtime.service' {
  interface ServerMessageMap {
    /**
     * Sent to each connected recipient when an alert is sent (`alert` has no `me`); `pending`
     * when pushed on connecting because no device of mine had it yet.
     */
    'alert.new': { type: 'alert.new'; id: number; priority: AlertPriority; title: string; alert: Alert; pending?: boolean };
    /** To the sender's sockets on each new receipt: delivered, read, acknowledged (the tracking view). */
    'alert.receipt': {
      type: 'alert.receipt';
      alert_id: number;
      kind: 'delivered' | 'read' | 'acknowledged';
      status: AlertStatus;
      ack_count: number;
      receipt: AlertReceipt;
    };
    /** To the recipients and the sender when it is resolved or repeated (its count; pages nobody). */
    'alert.updated': { type: 'alert.updated'; alert: Alert };
  }

  interface ClientMessageMap {
    /** A device of the recipient has it: the delivered receipt (answered only on error). */
    'alert.received': { alert_id: number };
  }
}

export {};
