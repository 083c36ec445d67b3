package dev.shuttle.websocket.redis;

import dev.shuttle.websocket.bridge.testing.BrokerProcess;
import dev.shuttle.websocket.bridge.testing.RecoveryCases;
import dev.shuttle.websocket.hub.HistoryStore;

/** Cross-instance recovery with {@link RedisHistory} on a real redis-server. */
class RedisHistoryTest extends RecoveryCases {
    @Override
    protected BrokerProcess startBroker() throws Exception {
        return BrokerProcess.redis();
    }

    @Override
    protected HistoryStore store(BrokerProcess broker, int instance) {
        return RedisHistory.builder().url(broker.url("redis")).channel("test.history").maxCount(500).build();
    }

    @Override
    protected boolean follows(HistoryStore store, String room) {
        return ((RedisHistory) store).followedRooms().contains(room);
    }
}
