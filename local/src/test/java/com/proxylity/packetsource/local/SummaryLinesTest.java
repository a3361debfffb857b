package com.proxylity.packetsource.local;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.proxylity.packetsource.local.config.LocalConfig;
import com.proxylity.packetsource.local.publish.MessageFiles;
import com.proxylity.packetsource.local.publish.Publisher;
import com.proxylity.packetsource.sender.wg.WireGuardPorts;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** local's summary is printed when something happened, and not again while nothing does. */
class SummaryLinesTest {
    @Test
    void anIdleStackRepeatsNoLineAndAPublishGivesANewOne() throws Exception {
        String yaml = "regions: [us-east-1]\nlisteners: [{name: u}]\npacketSources: [{topic: t, listener: u}]\n";
        try (LocalMode local = LocalMode.start(LocalConfig.load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))),
                WireGuardPorts.NONE, null)) {
            SummaryLines lines = new SummaryLines();
            assertTrue(lines.changed(Summary.line(local)), "the first line is printed");
            assertFalse(lines.changed(Summary.line(local)), "nothing happened: no line");
            SummaryLines json = new SummaryLines();
            assertTrue(json.changed(Summary.json(local).toString()));
            assertFalse(json.changed(Summary.json(local).toString()), "the JSON summary is as stable");
            try (Publisher p = new Publisher(local.stack().snsEndpoint(), "us-east-1", local.config().topicArn("t"))) {
                // No EgressRegion: counted as filtered while the Publish call is answered.
                p.publish(List.of(new MessageFiles.Outgoing("m", "{\"Messages\":[]}", Map.of())), null);
            }
            assertTrue(lines.changed(Summary.line(local)), "a publish is news");
            assertFalse(lines.changed(Summary.line(local)));
            assertTrue(json.changed(Summary.json(local).toString()));
        }
    }
}
