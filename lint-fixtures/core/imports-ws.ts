// Must fail lint: the core may not import the WebSocket stack.
import { WebSocketServer } from 'ws';
export const server = WebSocketServer;
