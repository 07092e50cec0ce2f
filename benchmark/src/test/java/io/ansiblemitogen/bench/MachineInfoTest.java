package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class MachineInfoTest {
    @Test
    public void theControllersPythonIsAnsiblePlaybooksNotThePathsPython3() {
        assertEquals("3.11.2 (/usr/bin/python3)", MachineInfo.pythonOf("ansible-playbook [core 2.14.18]\n"
                + "  python version = 3.11.2 (main, Apr 28 2025, 14:11:48) [GCC 12.2.0] (/usr/bin/python3)\n"));
        assertEquals("?", MachineInfo.pythonOf("nothing"));
    }
}
