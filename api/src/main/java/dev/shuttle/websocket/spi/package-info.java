/**
 * What a server adapter implements and calls: it copies the container's upgrade request into a
 * {@link dev.shuttle.websocket.spi.RequestCopy} (counting the head against
 * {@code Options.maxRequestHeadBytes}), asks the server for the
 * {@link dev.shuttle.websocket.spi.Upgrade}, writes the answer, and on a 101 hands the upgraded
 * byte stream over as a {@link dev.shuttle.websocket.spi.Transport}. Applications do not need
 * this package.
 */
package dev.shuttle.websocket.spi;
