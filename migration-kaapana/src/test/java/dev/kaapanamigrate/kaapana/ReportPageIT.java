package dev.kaapanamigrate.kaapana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The HTML report in a real headless browser (Debian's chromium and chromium-driver, installed by {@code .ci/run}; no
 * driver is downloaded): the page of a real run's report renders without a console error, shows every step, and its
 * numbers equal those of the JSON report, read here with Jackson, not through {@link KaapanaReport}.
 */
class ReportPageIT {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path DRIVER = Path.of("/usr/bin/chromedriver");

    @TempDir
    static Path tmp;

    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
                "chromium and chromium-driver are installed by .ci/run (apt-get install chromium chromium-driver)");
        ChromeOptions options = new ChromeOptions().setBinary(CHROMIUM.toFile())
                .addArguments("--headless=new", "--no-sandbox", "--disable-background-networking",
                        "--disable-dev-shm-usage", "--disable-gpu");
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(DRIVER.toFile())
                .usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private static String demoJson() throws Exception {
        try (InputStream in = ReportPageIT.class.getResourceAsStream("demo-run-report.json")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void thePageOfARunRendersWithoutConsoleErrorsShowsEveryStepAndTheJsonNumbers() throws Exception {
        String json = demoJson();
        Path report = tmp.resolve("run.json");
        Files.writeString(report, json);
        Path page = KaapanaReport.read(report).write(report);

        browser.get(page.toUri().toString());

        List<LogEntry> console = browser.manage().logs().get(LogType.BROWSER).getAll();
        assertThat(console).as("console messages").noneMatch(e -> e.getLevel().intValue() >= Level.WARNING.intValue());
        JsonNode result = new ObjectMapper().readTree(json).path("result");
        List<String> stepIds = new ArrayList<>();
        long changes = 0;
        long done = 0;
        for (JsonNode step : result.path("steps")) {
            stepIds.add(step.path("stepId").asText());
            changes += step.path("changes").size();
            String status = step.path("status").asText();
            done += List.of("APPLIED", "UP_TO_DATE", "VERIFIED_EARLIER", "VERIFIED").contains(status) ? 1 : 0;
        }
        List<WebElement> rows = browser.findElements(By.cssSelector("tr.step"));
        assertThat(rows).extracting(r -> r.getAttribute("data-step-id")).containsExactlyInAnyOrderElementsOf(stepIds);
        assertThat(rows).allSatisfy(r -> assertThat(r.isDisplayed()).isTrue());
        assertThat(browser.findElement(By.id("step-count")).getText()).isEqualTo(Integer.toString(stepIds.size()));
        assertThat(browser.findElement(By.id("change-count")).getText()).isEqualTo(Long.toString(changes));
        assertThat(browser.findElement(By.id("done-count")).getText()).isEqualTo(Long.toString(done));
        assertThat(browser.findElement(By.id("status")).getText()).isEqualTo(result.path("status").asText());
        for (JsonNode step : result.path("steps")) {
            WebElement row = browser.findElement(By.cssSelector("tr.step[data-step-id='"
                    + step.path("stepId").asText() + "']"));
            assertThat(row.findElement(By.cssSelector("td.changes")).getText())
                    .as(step.path("stepId").asText()).isEqualTo(Integer.toString(step.path("changes").size()));
        }
        // each before/after count on the page is the one the JSON's verified facts give
        List<StoreCount> counts = KaapanaReport.read(report).counts();
        assertThat(counts).isNotEmpty();
        assertThat(browser.findElements(By.cssSelector("tr.count"))).hasSize(counts.size());
        for (StoreCount c : counts) {
            WebElement row = browser.findElement(By.cssSelector("tr.count[data-store='" + c.store() + "'][data-project='"
                    + c.project() + "'][data-item='" + c.item() + "']"));
            assertThat(row.findElement(By.cssSelector("td.before")).getText()).as(c.item())
                    .isEqualTo(c.before() == null ? "–" : c.before() + " " + c.unit());
            assertThat(row.findElement(By.cssSelector("td.after")).getText()).as(c.item())
                    .isEqualTo(c.after() == null ? "–" : c.after() + " " + c.unit());
        }
    }
}
