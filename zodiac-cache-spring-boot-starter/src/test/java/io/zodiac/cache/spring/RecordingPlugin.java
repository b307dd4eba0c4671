package io.zodiac.cache.spring;

import io.zodiac.cache.plugin.CacheEvent;
import io.zodiac.cache.plugin.CachePlugin;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A plugin that keeps the events it is given. */
final class RecordingPlugin implements CachePlugin {

    final List<CacheEvent> events = new CopyOnWriteArrayList<>();

    @Override
    public void onEvent(CacheEvent event) {
        events.add(event);
    }

    List<CacheEvent.Kind> kinds() {
        return events.stream().map(CacheEvent::kind).toList();
    }
}
