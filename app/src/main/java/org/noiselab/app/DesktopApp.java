package org.noiselab.app;

import javafx.application.Application;
import javafx.scene.Scene;
import javafx.scene.control.Label;
import javafx.scene.layout.StackPane;
import javafx.stage.Stage;

/** The JavaFX application. */
public final class DesktopApp extends Application {

    static void launchApp(String[] args) {
        Application.launch(DesktopApp.class, args);
    }

    @Override
    public void start(Stage stage) {
        stage.setTitle("Noise Lab");
        stage.setScene(new Scene(new StackPane(new Label("Noise Lab")), 800, 600));
        stage.show();
    }
}
