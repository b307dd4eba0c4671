package io.zodiac.cache.spring.gadget;

/** A class outside the application's packages whose initialization or construction would be an attack. */
public class Gadget {

    static {
        GadgetProbe.INITIALIZED.set(true);
    }

    private String command;

    public Gadget() {
        GadgetProbe.CONSTRUCTED.incrementAndGet();
    }

    public String getCommand() {
        return command;
    }

    public void setCommand(String command) {
        this.command = command;
    }
}
