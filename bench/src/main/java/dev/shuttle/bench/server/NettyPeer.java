package dev.shuttle.bench.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolConfig;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.GlobalEventExecutor;

/**
 * Netty 4.1 websocketx: HTTP codec, aggregator for the upgrade request, the protocol handler
 * (handshake, ping/pong, close), then an application handler. Echo writes the received frame
 * back and flushes once per read batch ({@code channelReadComplete}), the usual way to write a
 * fast Netty echo; broadcast uses a {@link ChannelGroup}. NIO transport with default threads.
 */
final class NettyPeer {
    private NettyPeer() {
    }

    static ServerMain.RunningServer start(Mode mode, String host, int port) throws InterruptedException {
        EventLoopGroup boss = new NioEventLoopGroup(1);
        EventLoopGroup workers = new NioEventLoopGroup();
        ChannelGroup all = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
        ChannelHandler app = mode == Mode.ECHO ? new Echo() : new Broadcast(all);
        WebSocketServerProtocolConfig config = WebSocketServerProtocolConfig.newBuilder()
                .websocketPath("/").checkStartsWith(true).maxFramePayloadLength(1 << 20).build();
        Channel server = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler(config), app);
                    }
                })
                .bind(host, port).sync().channel();
        int bound = ((java.net.InetSocketAddress) server.localAddress()).getPort();
        return new ServerMain.RunningServer() {
            @Override
            public int port() {
                return bound;
            }

            @Override
            public void close() throws InterruptedException {
                server.close().sync();
                boss.shutdownGracefully();
                workers.shutdownGracefully().sync();
            }
        };
    }

    @ChannelHandler.Sharable
    static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame) {
                ctx.write(msg);                  // the frame's buffer goes back out as is
            } else {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    @ChannelHandler.Sharable
    static final class Broadcast extends ChannelInboundHandlerAdapter {
        private final ChannelGroup all;

        Broadcast(ChannelGroup all) {
            this.all = all;
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                all.add(ctx.channel());          // the group forgets closed channels by itself
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof BinaryWebSocketFrame || msg instanceof TextWebSocketFrame) {
                all.writeAndFlush(msg);          // retains a duplicate per channel, releases msg
            } else {
                ReferenceCountUtil.release(msg);
            }
        }
    }
}
