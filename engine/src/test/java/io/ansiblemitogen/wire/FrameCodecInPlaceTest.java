package io.ansiblemitogen.wire;

import org.junit.Test;

import java.io.ByteArrayInputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertThrows;

/** A DATA frame written in place is the frame encode() makes of the same header and body, whatever the body length. */
public class FrameCodecInPlaceTest {
    @Test
    public void theSameBytesAsEncodeForEveryBodyLength() throws Exception {
        Random r = new Random(6);
        FrameCodec.InPlace frame = new FrameCodec.InPlace(7, Frame.ENGINE, 42, Frame.DATA,
                Json.object().put("eof", false), 1000);
        for (int len : new int[] {1000, 17, 0, 999, 1000}) {
            byte[] body = new byte[len];
            r.nextBytes(body);
            System.arraycopy(body, 0, frame.array(), frame.bodyOffset(), len);
            int size = frame.finish(len);
            byte[] expected = FrameCodec.encode(7, Frame.ENGINE, 42, Frame.DATA, Json.object().put("eof", false), body);
            assertArrayEquals("body of " + len, expected, Arrays.copyOf(frame.array(), size));
            Frame back = FrameCodec.decode(FrameCodec.readRaw(new ByteArrayInputStream(frame.array(), 0, size)));
            assertArrayEquals(body, back.body());
            assertEquals(42, back.req());
        }
        assertThrows(IllegalArgumentException.class, () -> frame.finish(1001));
        assertThrows(IllegalArgumentException.class, () -> frame.finish(-1));
    }
}
