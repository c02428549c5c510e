package dev.eventloom.tram;

import io.eventuate.tram.messaging.common.Message;
import io.eventuate.tram.sagas.common.SagaLockManager;

import java.util.Optional;

/**
 * SagaCommandDispatcher needs a lock manager only for handlers declared with
 * withPreLock and for unlock commands; this participant has neither, so any
 * use of it is a surprise worth failing on.
 */
class RefusingSagaLockManager implements SagaLockManager {
  @Override
  public boolean claimLock(String sagaType, String sagaId, String target) {
    throw new IllegalStateException("saga locks are not used by this participant (claimLock " + sagaType + " " + sagaId + ")");
  }

  @Override
  public void stashMessage(String sagaType, String sagaId, String target, Message message) {
    throw new IllegalStateException("saga locks are not used by this participant (stashMessage " + sagaId + ")");
  }

  @Override
  public Optional<Message> unlock(String sagaId, String target) {
    throw new IllegalStateException("saga locks are not used by this participant (unlock " + sagaId + ")");
  }
}
