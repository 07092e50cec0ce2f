package io.ansiblemitogen.engine;

import org.junit.Test;

import java.util.Map;

import static org.junit.Assert.assertArrayEquals;
import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertNull;

public class ModuleZipsTest {
    @Test
    public void aRememberedZipIsHeldUnderThePluginsNameWithItsContentDigest() throws Exception {
        FakeModuleZip z = FakeModuleZip.standard();
        ModuleZips zips = new ModuleZips();
        assertNull(zips.held(z.sha1));
        String digest = zips.remember(z.sha1, z.bytes);
        assertEquals(ModuleZips.contentDigest(z.bytes), digest);
        ModuleZips.Held held = zips.held(z.sha1);
        assertEquals(digest, held.digest());
        assertArrayEquals(z.bytes, held.zip());
        assertNull(zips.held("not-a-known-sha1"));
        assertNull(zips.held(null));
    }

    @Test
    public void pastTheCapTheLeastRecentlyUsedZipIsDroppedNeverTheNewest() throws Exception {
        FakeModuleZip a = FakeModuleZip.of(Map.of("ansible/modules/a.py", "print(1)\n"));
        FakeModuleZip b = FakeModuleZip.of(Map.of("ansible/modules/b.py", "print(2)\n"));
        FakeModuleZip c = FakeModuleZip.of(Map.of("ansible/modules/c.py", "print(3)\n"));
        ModuleZips zips = new ModuleZips(a.bytes.length + b.bytes.length + 10);
        zips.remember(a.sha1, a.bytes);
        zips.remember(b.sha1, b.bytes);
        assertNotNull(zips.held(a.sha1)); // a is now more recent than b
        zips.remember(c.sha1, c.bytes);
        assertNull("b was the least recently used", zips.held(b.sha1));
        assertNotNull(zips.held(a.sha1));
        assertNotNull(zips.held(c.sha1));

        ModuleZips tiny = new ModuleZips(1);
        tiny.remember(a.sha1, a.bytes);
        assertNotNull("a ZIP larger than the cap is still held until the next one", tiny.held(a.sha1));
    }
}
