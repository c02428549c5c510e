package dev.eventloom.interop;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import io.eventuate.Event;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An event class as Eventuate's deserializer fills it (JSonMapper.fromJson into
 * the class named by the eventType), keeping every field it was given, in
 * order, with Jackson's own types (BigInteger for large integers), so that the
 * test can see exactly what the Java side received.
 */
public abstract class RecordedEvent implements Event {
  private final Map<String, Object> fields = new LinkedHashMap<>();

  @JsonAnySetter
  public void set(String name, Object value) {
    fields.put(name, value);
  }

  @JsonAnyGetter
  public Map<String, Object> fields() {
    return fields;
  }
}
