package io.ansiblemitogen.bench;

import static org.junit.Assert.assertEquals;

import org.junit.Test;

public class RecapTest {
    @Test
    public void countsHostsByOutcomeFromTheLastRecap() {
        String out = String.join("\n",
                "PLAY [all] *****",
                "TASK [command] ***",
                "changed: [h001]",
                "",
                "PLAY RECAP *********************************************************************",
                "h001                       : ok=5    changed=5    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0   ",
                "h002                       : ok=2    changed=2    unreachable=0    failed=1    skipped=0    rescued=0    ignored=0   ",
                "h003                       : ok=0    changed=0    unreachable=1    failed=0    skipped=0    rescued=0    ignored=0   ",
                "");
        Recap r = Recap.parse(out);
        assertEquals(1, r.hostsOk());
        assertEquals(1, r.hostsFailed());
        assertEquals(1, r.hostsUnreachable());
        assertEquals(7, r.tasksOk());
    }

    @Test
    public void readsATaskDurationFromProfileTasks() {
        String out = String.join("\n",
                "Thursday 27 November 2026  09:20:20 +0000 (0:00:12.345)       0:00:15.000 ********",
                "===============================================================================",
                "bench big copy -------------------------------------------------------- 12.34s",
                "file ------------------------------------------------------------------- 0.50s",
                "");
        assertEquals(12.34, ProfileTasks.seconds(out, "bench big copy"), 1e-9);
        assertEquals(0.5, ProfileTasks.seconds(out, "file"), 1e-9);
        assertEquals(0, ProfileTasks.seconds(out, "copy"), 0);
    }

    @Test
    public void noRecapMeansNoHostOk() {
        assertEquals(new Recap(0, 0, 0, 0), Recap.parse("ERROR! the playbook could not be found"));
    }
}
