package io.floe.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.floe.examples.ecommerce.EcommerceDataGenerator;
import io.floe.examples.projects.ExampleProjects;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}, which {@code .ci/run} installs) driven by Selenium against a server on
 * 127.0.0.1. A user opens the UI, starts a build, watches it end, reads the failing test's rows,
 * opens the lineage and a table's snapshots, and previews the table at an older snapshot.
 *
 * <p>With {@code -Dfloe.screenshots=DIR} it saves a screenshot of each page (the README's).
 */
class WebUiBrowserTest {
  private static final Path CHROMIUM = Path.of(System.getProperty("floe.chromium", "/usr/bin/chromium"));
  private static final Path CHROMEDRIVER = Path.of(System.getProperty("floe.chromedriver", "/usr/bin/chromedriver"));

  @TempDir Path workspace;
  private FloeServer server;
  private ChromeDriver browser;

  @AfterEach
  void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (server != null) {
      server.close();
    }
  }

  @Test
  void aUserBuildsReadsTheFailingRowsAndTimeTravelsInTheBrowser() throws IOException {
    assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "Chromium and chromedriver are not installed (apt-get install chromium chromium-driver; .ci/run does)");
    Path shop = workspace.resolve("shop");
    ExampleProjects.copy(ExampleProjects.ECOMMERCE, shop);
    EcommerceDataGenerator.generate(shop.resolve("landing"), 1_500, 11);
    // Spark runs the models (DuckDB would run them all at this size), so that each model's row has the
    // CPU seconds of its Spark tasks to show.
    Files.writeString(shop.resolve("floe.yaml"), "\nengine:\n  local-sql: spark\n", StandardOpenOption.APPEND);
    Files.writeString(shop.resolve("tests/deliberately_failing.sql"),
        "select metric_date, total_revenue from {{ ref('gold_daily_metrics') }} where total_revenue >= 0");
    server = FloeServer.start(shop, FloeServer.Options.local(0));
    browser = chrome();
    WebDriverWait wait = new WebDriverWait(browser, Duration.ofMinutes(3));

    browser.get(server.url() + "/");
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#runs tbody"), "No runs yet."));
    assertThat(browser.findElement(By.id("project")).getText()).isEqualTo("ecommerce");

    browser.findElement(By.id("build")).click();
    wait.until(ExpectedConditions.urlContains("#/runs/"));
    // The page refreshes itself while the run runs: each look finds the badge afresh.
    String status = wait.ignoring(StaleElementReferenceException.class).until(driver -> {
      String text = driver.findElement(By.cssSelector("h1 .status")).getText();
      return text.equals("running") ? null : text;
    });
    // The deliberately failing test blocks the publish: the run failed, and shows the rows.
    assertThat(status).isEqualTo("failed");
    assertThat(browser.findElements(By.cssSelector(".failing-test")).stream().map(WebElement::getText)
        .filter(text -> text.startsWith("deliberately_failing")).findFirst()).get().asString()
        .contains("metric_date=");
    assertThat(browser.findElements(By.cssSelector("#nodes tbody tr"))).hasSizeGreaterThan(10);
    // Each model's row gives the CPU seconds of its Spark tasks (from the run history).
    assertThat(browser.findElements(By.cssSelector("#nodes td.cpu")).stream().map(WebElement::getText)
        .filter(text -> text.matches("\\d+\\.\\d"))).isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("#timeline .bar"))).isNotEmpty();
    assertThat(browser.findElement(By.id("log")).getText()).contains("nothing published");
    screenshot("serve-run.png");

    browser.findElement(By.cssSelector("header a[data-page=runs]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#runs tbody tr[data-run]")));
    screenshot("serve-runs.png");

    browser.findElement(By.cssSelector("header a[data-page=lineage]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#lineage g.node")));
    List<WebElement> nodes = browser.findElements(By.cssSelector("#lineage g.node"));
    int graphNodes = new ServerClient(server.url(), null).get("/api/graph").json().path("nodes").size();
    assertThat(nodes).hasSize(graphNodes).hasSizeGreaterThan(10);
    WebElement gold = browser.findElement(By.cssSelector("#lineage g.node[data-name=gold_daily_metrics]"));
    assertThat(gold.getAttribute("data-status")).isEqualTo("success");
    assertThat(browser.findElement(By.cssSelector("#lineage g.node[data-name=deliberately_failing]"))
        .getAttribute("data-status")).isEqualTo("fail");
    gold.click();
    assertThat(browser.findElements(By.cssSelector("#lineage path.edge.lit"))).isNotEmpty();
    assertThat(browser.findElements(By.cssSelector("#lineage g.node.dim"))).isNotEmpty();
    screenshot("serve-lineage.png");

    browser.findElement(By.cssSelector("header a[data-page=tables]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.linkText("raw.customer_events"))).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#snapshots tbody tr")));
    assertThat(browser.findElement(By.id("schema")).getText()).contains("event_id");
    assertThat(browser.findElement(By.id("refs")).getText()).contains("main");
    assertThat(browser.findElements(By.cssSelector("#preview tbody tr"))).hasSize(50);
    screenshot("serve-table.png");
    String snapshot = browser.findElement(By.cssSelector("#snapshots tbody tr")).getAttribute("data-snapshot");
    browser.findElement(By.cssSelector("#snapshots tbody tr a.time-travel")).click();
    wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("preview-title"), "as of snapshot " + snapshot));

    browser.findElement(By.cssSelector("header a[data-page=schedules]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("schedules")));
    assertThat(browser.findElement(By.id("schedules")).getText()).contains("hourly");

    // Without the failing test, a build from the UI publishes, and the gold tables are charted.
    Files.delete(shop.resolve("tests/deliberately_failing.sql"));
    browser.findElement(By.cssSelector("header a[data-page=runs]")).click();
    wait.until(ExpectedConditions.elementToBeClickable(By.id("build"))).click();
    wait.until(ExpectedConditions.urlContains("#/runs/"));
    String second = wait.ignoring(StaleElementReferenceException.class).until(driver -> {
      String text = driver.findElement(By.cssSelector("h1 .status")).getText();
      return text.equals("running") ? null : text;
    });
    assertThat(second).isEqualTo("success");
    browser.findElement(By.cssSelector("header a[data-page=charts]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("figure.chart")));
    assertThat(browser.findElement(By.cssSelector("figure.chart[data-table='gold.daily_metrics'] polyline"))
        .getAttribute("points")).isNotBlank();
    assertThat(browser.findElements(By.cssSelector("figure.chart[data-kind=bar] rect.bar"))).isNotEmpty();
    screenshot("serve-charts.png");

    // A backfill of two days from the Schedules page: one run per day, followed until both succeed.
    browser.findElement(By.cssSelector("header a[data-page=schedules]")).click();
    wait.until(ExpectedConditions.presenceOfElementLocated(By.id("backfill-form")));
    browser.findElement(By.id("backfill-select")).sendKeys("gold_daily_metrics");
    browser.findElement(By.id("backfill-start")).sendKeys("2024-01-01");
    browser.findElement(By.id("backfill-end")).sendKeys("2024-01-03");
    browser.findElement(By.cssSelector("#backfill-form button[type=submit]")).click();
    wait.ignoring(StaleElementReferenceException.class)
        .until(ExpectedConditions.textToBePresentInElementLocated(By.id("backfills"), "success 2"));
    assertThat(browser.findElement(By.id("backfills")).getText()).contains("2024-01-01 to 2024-01-03 by day");
    screenshot("serve-schedules.png");
  }

  private static ChromeDriver chrome() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
        "--window-size=1400,900");
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(CHROMEDRIVER.toFile())
        .usingAnyFreePort()
        .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    driver.manage().window().setSize(new Dimension(1400, 900));
    return driver;
  }

  private void screenshot(String name) throws IOException {
    String dir = System.getProperty("floe.screenshots");
    if (dir == null) {
      return;
    }
    File file = browser.getScreenshotAs(OutputType.FILE);
    Files.createDirectories(Path.of(dir));
    Files.copy(file.toPath(), Path.of(dir, name), StandardCopyOption.REPLACE_EXISTING);
  }
}
