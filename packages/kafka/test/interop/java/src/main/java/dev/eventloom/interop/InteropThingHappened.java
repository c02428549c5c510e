package dev.eventloom.interop;

/** An event type the interop tests publish under this Java name (wireName). */
public class InteropThingHappened extends RecordedEvent {
}
