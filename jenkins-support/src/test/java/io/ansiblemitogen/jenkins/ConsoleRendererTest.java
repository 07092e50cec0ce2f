package io.ansiblemitogen.jenkins;

import static org.junit.Assert.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.Test;

public class ConsoleRendererTest {
    private final ConsoleRenderer renderer = new ConsoleRenderer(new SecretMasker(List.of("hunter2", "hunter")));

    @Test
    public void remoteRecordsArePrefixedByHost() {
        assertEquals("[web1.example.com] WARNING ansible_mitogen.runner: yum lock held",
                renderer.render("[mitogen:web1.example.com] WARNING ansible_mitogen.runner: yum lock held"));
        assertEquals("\u001b[0;34m[db:2222] DEBUG mitogen.core: ok\u001b[0m",
                renderer.render("\u001b[0;34m[mitogen:db:2222] DEBUG mitogen.core: ok\u001b[0m"));
        assertEquals(2, renderer.remoteLines());
        assertEquals(1, renderer.remoteProblems());
    }

    @Test
    public void otherLinesPassThroughMasked() {
        assertEquals("TASK [debug] ****", renderer.render("TASK [debug] ****"));
        assertEquals("pw=**** and ****", renderer.render("pw=hunter2 and hunter"));
        assertEquals("[h] ERROR x.y: login as **** failed",
                renderer.render("[mitogen:h] ERROR x.y: login as hunter2 failed"));
        assertEquals("[mitogen:] not a record", renderer.render("[mitogen:] not a record"));
    }

    @Test
    public void streamRendersWholeLinesOnlyAndFlushesTheRestOnClose() throws Exception {
        ByteArrayOutputStream sink = new ByteArrayOutputStream();
        RenderingOutputStream out = new RenderingOutputStream(sink, renderer);
        byte[] text = "ok: [h] pw=hun".getBytes(StandardCharsets.UTF_8);
        out.write(text, 0, text.length);
        out.flush();
        assertEquals("", sink.toString(StandardCharsets.UTF_8)); // the secret may continue on the next write
        out.write("ter2\n[mitogen:h] INFO m: é\nlast".getBytes(StandardCharsets.UTF_8));
        assertEquals("ok: [h] pw=****\n[h] INFO m: é\n", sink.toString(StandardCharsets.UTF_8));
        out.close();
        assertEquals("ok: [h] pw=****\n[h] INFO m: é\nlast", sink.toString(StandardCharsets.UTF_8));
    }

    @Test
    public void multiLineSecretsAreMaskedLineByLine() {
        SecretMasker m = new SecretMasker(List.of("line-one\nline-two\n"));
        assertEquals("**** ****", m.mask("line-one line-two"));
        assertEquals("nothing", new SecretMasker(List.of("", " ")).mask("nothing"));
    }
}
