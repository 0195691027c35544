export { PushServer, type ProxyStatus, type SyncState } from './push-server.js';
