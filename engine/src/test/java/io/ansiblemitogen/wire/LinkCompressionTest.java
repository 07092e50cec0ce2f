package io.ansiblemitogen.wire;

import org.junit.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertTrue;

/** The engine's half of link layer 1 on its own: what goes in comes out, frame by frame, at a fair size. */
public class LinkCompressionTest {
    @Test
    public void mixedFramesRoundTripAndIncompressibleBulkGoesStored() throws Exception {
        Random r = new Random(5);
        List<byte[]> frames = new ArrayList<>();
        long randomBytes = 0;
        for (int i = 0; i < 120; i++) {
            byte[] f;
            switch (i % 3) {
                case 0 -> {
                    f = new byte[128 * 1024];
                    r.nextBytes(f);
                    randomBytes += f.length;
                }
                case 1 -> f = ("{\"rc\": 0, \"stdout_len\": " + i + "}").getBytes(StandardCharsets.UTF_8);
                default -> f = ("line " + i + " of a text file\n").repeat(3000).getBytes(StandardCharsets.UTF_8);
            }
            frames.add(f);
        }
        for (int i = 0; i < 10; i++) {
            frames.add(("{\"rc\": 0, \"stdout_len\": " + i + "}").getBytes(StandardCharsets.UTF_8));
        }
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        OutputStream out = LinkCompression.deflating(wire, 6);
        List<Integer> sizes = new ArrayList<>();
        for (byte[] f : frames) {
            int before = wire.size();
            out.write(f);
            out.flush();
            sizes.add(wire.size() - before);
        }
        InputStream in = LinkCompression.inflating(new ByteArrayInputStream(wire.toByteArray()));
        DataInputStream din = new DataInputStream(in);
        for (byte[] f : frames) {
            byte[] got = new byte[f.length];
            din.readFully(got);
            assertArrayEquals(f, got);
        }
        assertEquals("clean end after the last flush", -1, in.read());
        long randomOnWire = 0;
        for (int i = 0; i < 120; i += 3) {
            randomOnWire += sizes.get(i);
        }
        assertTrue("random data grew by " + (randomOnWire - randomBytes), randomOnWire < randomBytes * 1.002);
        assertTrue("a repeated small frame costs " + sizes.get(frames.size() - 1) + " B",
                sizes.get(frames.size() - 1) < 16);
        assertTrue("text chunks still compress: " + sizes.get(119), sizes.get(119) < 2000);
    }
    @Test
    public void aLongIncompressibleRunIsProbedLessAndLessOftenAndTheNextFileStartsOver() throws Exception {
        Random r = new Random(9);
        ByteArrayOutputStream wire = new ByteArrayOutputStream();
        LinkCompression.Deflating out = (LinkCompression.Deflating) LinkCompression.deflating(wire, 6);
        byte[] chunk = new byte[LinkCompression.BULK];
        for (int i = 0; i < 1000; i++) {
            r.nextBytes(chunk);
            out.write(chunk);
            out.flush();
            wire.reset();
        }
        // runs of 32, 64, ... 1024 stored chunks between probes: 6 probes where a fixed run of 32 made 31
        assertEquals(6, out.probes());
        out.write("{\"eof\": true}".getBytes(StandardCharsets.UTF_8)); // the end of that file
        out.flush();
        byte[] text = ("line of a text file\n").repeat(LinkCompression.BULK / 20 + 1).getBytes(StandardCharsets.UTF_8);
        int firstCompressed = -1;
        for (int i = 0; i < 40 && firstCompressed < 0; i++) {
            wire.reset();
            out.write(text);
            out.flush();
            if (wire.size() < text.length / 4) {
                firstCompressed = i;
            }
        }
        assertTrue("the next file compressed from chunk " + firstCompressed,
                firstCompressed >= 0 && firstCompressed <= LinkCompression.SKIP_AFTER_PROBE);
    }
}
