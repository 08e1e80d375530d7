package com.example.serving;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The command line: both option forms, defaults, and a one-line reason for each refusal. */
class OptionsTest {
    @Test
    void bothFormsAndDefaults() throws Exception {
        Options o = Options.parse("--port", "9000", "--model=m.safetensors", "--max-rows=8", "--pool", "3");
        assertEquals(9000, o.port());
        assertEquals(Path.of("m.safetensors"), o.model());
        assertEquals(8, o.maxRows());
        assertEquals(3, o.pool());
        assertEquals(Options.defaults().maxBodyBytes(), o.maxBodyBytes());
        Options d = Options.parse();
        assertNull(d.model());
        assertEquals("127.0.0.1", d.host());
        assertEquals(Runtime.getRuntime().availableProcessors(), d.pool());
        assertTrue(Options.parse("--port", "1", "-h").help());
    }

    @Test
    void refusalsSayWhatIsAccepted() {
        String[][] cases = {
                {"unknown option --nope (accepted: --model", "--nope"},
                {"unknown argument model.safetensors", "model.safetensors"},
                {"--port needs a value", "--port"},
                {"--port needs a whole number, got 'http'", "--port", "http"},
                {"--port must be in [0, 65535], got -1", "--port=-1"},
                {"--max-rows must be in [1, 65536], got 0", "--max-rows", "0"},
                {"--model needs a non-empty value", "--model="},
        };
        for (String[] c : cases) {
            String[] args = java.util.Arrays.copyOfRange(c, 1, c.length);
            Options.UsageException e = assertThrows(Options.UsageException.class, () -> Options.parse(args));
            assertTrue(e.getMessage().startsWith(c[0]), e.getMessage());
            assertTrue(e.getMessage().indexOf('\n') < 0);
        }
    }
}
