package io.zodiac.cache.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.UnknownHostException;
import java.util.HashSet;
import java.util.Set;

/** Picks free TCP ports on 127.0.0.1 by binding a {@link ServerSocket} to port 0 and releasing it. */
final class Ports {

    /** Redis Cluster's bus listens on the data port plus this offset. */
    static final int CLUSTER_BUS_OFFSET = 10000;

    static final String LOOPBACK_HOST = "127.0.0.1";
    static final InetAddress LOOPBACK;

    static {
        try {
            LOOPBACK = InetAddress.getByAddress(LOOPBACK_HOST, new byte[] {127, 0, 0, 1});
        } catch (UnknownHostException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Ports already handed out in this JVM, so two servers never get the same one. */
    private static final Set<Integer> HANDED_OUT = new HashSet<>();

    private Ports() {
    }

    /** A free port for a plain server. */
    static int freePort() {
        return find(false);
    }

    /** A free port below 55535 whose cluster bus port (port + 10000) is free too. */
    static int freeClusterPort() {
        return find(true);
    }

    private static synchronized int find(boolean withBus) {
        for (int attempt = 0; attempt < 500; attempt++) {
            int port;
            try (ServerSocket socket = new ServerSocket()) {
                socket.bind(new InetSocketAddress(LOOPBACK, 0));
                port = socket.getLocalPort();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot bind a socket on " + LOOPBACK_HOST, e);
            }
            if (HANDED_OUT.contains(port)) {
                continue;
            }
            if (withBus) {
                int bus = port + CLUSTER_BUS_OFFSET;
                if (bus > 65535 || HANDED_OUT.contains(bus) || !isFree(bus)) {
                    continue;
                }
                HANDED_OUT.add(bus);
            }
            HANDED_OUT.add(port);
            return port;
        }
        throw new IllegalStateException("could not find a free port on " + LOOPBACK_HOST
                + (withBus ? " with a free cluster bus port (port + 10000)" : ""));
    }

    /** True if a server socket can bind {@code port} on 127.0.0.1 right now. */
    static boolean isFree(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress(LOOPBACK, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
