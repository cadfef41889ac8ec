package org.conv4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * The consumer pom.xml the README links (docs/consumer-pom.xml) is the one the build really runs
 * (src/it/consumer, built by the invoker plugin with this Maven and JDK): same conv4j dependencies, same
 * compiler release and plugin versions, and the version of this build.
 */
class ConsumerPomTest {
    /** {@code path} in the module ({@code conv4j.basedir}) or, with {@code root}, in the repository root. */
    private static Document read(String path, boolean root) throws Exception {
        Path p = root ? Path.of(System.getProperty("conv4j.rootdir", ".."), path)
                : Path.of(System.getProperty("conv4j.basedir", "."), path);
        assertTrue(Files.exists(p), p + " is missing");
        return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(p.toFile());
    }

    private static String text(Element e, String tag) {
        NodeList l = e.getElementsByTagName(tag);
        return l.getLength() == 0 ? "" : l.item(0).getTextContent().trim();
    }

    /** groupId:artifactId:version[:classifier] of the non-test dependencies. */
    private static List<String> dependencies(Document d) {
        List<String> out = new ArrayList<>();
        NodeList deps = d.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element e = (Element) deps.item(i);
            if (!"test".equals(text(e, "scope"))) {
                String c = text(e, "classifier");
                out.add(text(e, "groupId") + ":" + text(e, "artifactId") + ":" + text(e, "version")
                        + (c.isEmpty() ? "" : ":" + c));
            }
        }
        return out;
    }

    private static List<String> plugins(Document d) {
        List<String> out = new ArrayList<>();
        NodeList ps = d.getElementsByTagName("plugin");
        for (int i = 0; i < ps.getLength(); i++) {
            Element e = (Element) ps.item(i);
            if (!text(e, "artifactId").equals("maven-surefire-plugin")) {  // the consumer test's own runner
                out.add(text(e, "artifactId") + ":" + text(e, "version"));
            }
        }
        return out;
    }

    @Test
    void theReadmeConsumerPomIsTheBuiltOne() throws Exception {
        Document readme = read("docs/consumer-pom.xml", true);
        Document built = read("src/it/consumer/pom.xml", false);
        String version = System.getProperty("conv4j.version", "");
        assertTrue(!version.isEmpty(), "surefire passes conv4j.version");
        String platform = "linux-x86_64";
        List<String> expected = new ArrayList<>();
        for (String dep : dependencies(built)) {
            expected.add(dep.replace("@project.version@", version).replace("@javacpp.platform@", platform));
        }
        assertEquals(expected, dependencies(readme));
        assertEquals(plugins(built), plugins(readme));
        assertEquals(text(built.getDocumentElement(), "maven.compiler.release"),
                text(readme.getDocumentElement(), "maven.compiler.release"));
        assertEquals("17", text(readme.getDocumentElement(), "maven.compiler.release"));
    }
}
