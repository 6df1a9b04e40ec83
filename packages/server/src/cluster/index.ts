/** @module Several Heed nodes on one shared store: membership, series ownership, the alert leader. */
export { type BucketFeed, createBucketFeed } from './bucket-feed.js';
export { createMembership, liveNodes, type Membership, ownerKey, score } from './membership.js';
export { type ClusterNode, type ClusterRun, joinCluster } from './node.js';
export { createSignalRelay, type SignalRelay } from './signal-relay.js';
