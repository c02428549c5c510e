export { createEventsTable, createTestDatabase, TEST_SERVER_URL } from './database';
export type { TestDatabase } from './database';
export { brokers, deleteTopics, readTopics, testAdmin, uniqueGroupId, uniqueTopicPrefix } from './kafka-broker';
export type { ReadMessage } from './kafka-broker';
export { ChildPublisher, eventloomCli, slowedPublisherProgram } from './child-publisher';
export { eventually } from '@eventloom/testing';
