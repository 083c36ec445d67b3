package dev.shuttle.examples.boot;

import dev.shuttle.websocket.Options;
import dev.shuttle.websocket.WebSocketServer;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * A Spring Boot application whose only WebSocket code is one bean: shuttle-spring-boot serves it
 * at {@code /ws} (application.properties) on Boot's Tomcat. Text comes back as text, binary as
 * binary.
 * <pre>
 * java -jar spring-boot-example/target/shuttle-spring-boot-example.jar --server.port=8080
 * </pre>
 */
@SpringBootApplication
public class EchoApplication {
    /**
     * The echo.
     *
     * @param options bound from {@code shuttle.websocket.*}
     * @return the server Boot serves
     */
    @Bean
    WebSocketServer echo(Options options) {
        return WebSocketServer.builder()
                .options(options)
                .onData((c, isBinary, data) -> {
                    if (isBinary) {
                        c.write(data);
                    } else {
                        c.writeText(data);
                    }
                })
                .build();
    }

    /**
     * Starts the application.
     *
     * @param args Boot's arguments, e.g. {@code --server.port=8080}
     */
    public static void main(String[] args) {
        SpringApplication.run(EchoApplication.class, args);
    }
}
