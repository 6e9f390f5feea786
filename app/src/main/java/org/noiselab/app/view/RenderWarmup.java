package org.noiselab.app.view;

import java.util.concurrent.CompletableFuture;
import javafx.animation.AnimationTimer;
import javafx.scene.canvas.Canvas;
import javafx.scene.canvas.GraphicsContext;
import javafx.scene.image.WritableImage;
import javafx.scene.paint.Color;

/**
 * Draws plot-like content (curves, grid lines, dots, text) offscreen, one frame per pulse, for a short while after the
 * window opens, so that the JIT compiles the rasterizer while the user is still looking. Without it the first half
 * second of the first training run stalls the FX thread on a 2-core machine: the C2 compiler, the training thread and
 * a cold, interpreted rasterizer compete for the cores (UiResponsivenessTest lists the gaps).
 */
final class RenderWarmup {

    private static final int WIDTH = 480;
    private static final int HEIGHT = 320;

    private RenderWarmup() {
    }

    /** Starts the warm-up on the FX thread; the future completes (on the FX thread) after {@code frames} frames. */
    static CompletableFuture<Void> start(int frames) {
        Canvas canvas = new Canvas(WIDTH, HEIGHT);
        WritableImage image = new WritableImage(WIDTH, HEIGHT);
        CompletableFuture<Void> done = new CompletableFuture<>();
        new AnimationTimer() {
            private int frame;

            @Override
            public void handle(long now) {
                paint(canvas.getGraphicsContext2D(), frame);
                canvas.snapshot(null, image);
                if (++frame >= frames) {
                    stop();
                    done.complete(null);
                }
            }
        }.start();
        return done;
    }

    private static void paint(GraphicsContext gc, int frame) {
        gc.setFill(Color.WHITE);
        gc.fillRect(0, 0, WIDTH, HEIGHT);
        gc.setStroke(Color.GRAY);
        gc.setLineWidth(1);
        for (int i = 0; i <= 10; i++) {
            gc.strokeLine(40 + 40 * i, 10, 40 + 40 * i, HEIGHT - 30);
            gc.strokeLine(40, 10 + 28 * i, WIDTH - 20, 10 + 28 * i);
        }
        double[] xs = new double[300];
        double[] ys = new double[300];
        for (int i = 0; i < xs.length; i++) {
            xs[i] = 40 + i * 1.4;
            ys[i] = HEIGHT / 2.0 + 100 * Math.sin(i * 0.05 + frame * 0.1);
        }
        gc.setStroke(Color.DARKORANGE);
        gc.setLineWidth(2.2);
        gc.strokePolyline(xs, ys, xs.length);
        gc.setFill(Color.STEELBLUE);
        for (int i = 0; i < 200; i++) {
            gc.fillOval(40 + (i * 37 + frame) % 400, 20 + (i * 53) % 260, 3.2, 3.2);
        }
        gc.setFill(Color.BLACK);
        gc.fillText("step " + frame + "   loss 0." + frame, 50, 24);
    }
}
