package io.runnel.metadata.image;

import io.runnel.metadata.MetadataImage;
import io.runnel.metadata.MetadataListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Holds the latest replayed image and tells listeners of each new one, in order.
 *
 * <p>Thread-safety: {@link #image} may be read from any thread. {@link #publish} is called by the
 * replay thread; it and {@link #addListener} hold this object's monitor, so a new listener
 * sees the current image first and then every later one, never one twice or out of order.
 * A listener that throws is logged and does not stop the others.
 */
public final class ImagePublisher {
    private static final Logger log = LoggerFactory.getLogger(ImagePublisher.class);

    private final List<MetadataListener> listeners = new CopyOnWriteArrayList<>();
    private volatile MetadataImage image;

    public ImagePublisher(MetadataImage initial) {
        this.image = initial;
    }

    public MetadataImage image() {
        return image;
    }

    public synchronized void publish(MetadataImage next) {
        MetadataImage previous = image;
        image = next;
        for (MetadataListener listener : listeners) {
            call(listener, previous, next);
        }
    }

    public synchronized void addListener(MetadataListener listener) {
        call(listener, MetadataImage.empty(image.clusterId()), image);
        listeners.add(listener);
    }

    private static void call(MetadataListener listener, MetadataImage previous, MetadataImage current) {
        try {
            listener.onMetadataUpdate(previous, current);
        } catch (RuntimeException e) {
            log.error("Metadata listener {} failed at offset {}", listener, current.offset(), e);
        }
    }
}
