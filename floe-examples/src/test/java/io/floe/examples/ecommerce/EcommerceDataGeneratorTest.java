package io.floe.examples.ecommerce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EcommerceDataGeneratorTest {
  @TempDir
  Path dir;

  @Test
  void writesTheFourFilesWithTheSeedsHeadersAndRowCounts() throws IOException {
    GeneratedData data = EcommerceDataGenerator.generate(dir, 10_000, 7);

    assertThat(data.files()).extracting(GeneratedFile::table).containsExactlyElementsOf(EcommerceDataGenerator.TABLES);
    assertThat(data.files()).extracting(GeneratedFile::rows).containsExactly(5_263L, 2_631L, 1_315L, 791L);
    assertThat(data.totalRows()).isEqualTo(10_000);
    assertThat(firstLine(data, "customer_events")).isEqualTo("event_id,customer_id,session_id,event_type,"
        + "event_timestamp,page_url,product_id,category_id,referrer_source,device_type,user_agent,ip_address");
    assertThat(firstLine(data, "payment_transactions")).isEqualTo("transaction_id,order_id,customer_id,"
        + "payment_method,payment_status,amount,currency,transaction_timestamp,processor_response_code,gateway_fee,"
        + "merchant_id,billing_country,risk_score");
    assertThat(firstLine(data, "inventory_snapshots")).isEqualTo("snapshot_id,product_id,warehouse_id,snapshot_date,"
        + "quantity_on_hand,quantity_reserved,quantity_available,reorder_point,reorder_quantity,supplier_id,"
        + "last_received_date,unit_cost");
    assertThat(firstLine(data, "support_tickets")).isEqualTo("ticket_id,customer_id,order_id,ticket_type,priority,"
        + "status,created_timestamp,first_response_timestamp,resolution_timestamp,agent_id,satisfaction_score,"
        + "subject,channel");
    for (GeneratedFile file : data.files()) {
      List<String> lines = Files.readAllLines(file.path());
      int columns = lines.get(0).split(",", -1).length;
      assertThat(lines).hasSize((int) file.rows() + 1);
      assertThat(lines).allSatisfy(line -> assertThat(line.split(",", -1)).hasSize(columns));
      assertThat(file.bytes()).isEqualTo(Files.size(file.path()));
    }
  }

  @Test
  void rowsHoldTheValuesTheModelsCompareAgainst() throws IOException {
    GeneratedData data = EcommerceDataGenerator.generate(dir, 4_000, 1);

    List<String> event = fields(data, "customer_events", 1);
    assertThat(event.get(0)).isEqualTo("EVT000000001");
    assertThat(event.get(3)).isIn((Object[]) CustomerEvents.EVENT_TYPES);
    assertThat(event.get(4)).matches("2024-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d");
    assertThat(event.get(11)).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    List<String> payment = fields(data, "payment_transactions", 1);
    assertThat(payment.get(4)).isIn((Object[]) PaymentTransactions.PAYMENT_STATUSES);
    assertThat(payment.get(12)).matches("\\d+\\.\\d\\d");
    List<String> ticket = fields(data, "support_tickets", 1);
    assertThat(ticket.get(4)).isIn((Object[]) SupportTickets.PRIORITIES);
    assertThat(ticket.get(12)).isIn((Object[]) SupportTickets.CHANNELS);
    List<String> inventory = fields(data, "inventory_snapshots", 1);
    assertThat(Integer.parseInt(inventory.get(6)))
        .isEqualTo(Integer.parseInt(inventory.get(4)) - Integer.parseInt(inventory.get(5)));
  }

  @Test
  void theSameSeedGivesTheSameBytesAndAnotherSeedOthers() throws IOException {
    GeneratedData first = EcommerceDataGenerator.generate(dir.resolve("a"), 5_000, 3);
    GeneratedData again = EcommerceDataGenerator.generate(dir.resolve("b"), 5_000, 3);
    GeneratedData other = EcommerceDataGenerator.generate(dir.resolve("c"), 5_000, 4);

    for (String table : EcommerceDataGenerator.TABLES) {
      byte[] bytes = Files.readAllBytes(first.file(table).path());
      assertThat(Files.readAllBytes(again.file(table).path())).isEqualTo(bytes);
      assertThat(Files.readAllBytes(other.file(table).path())).isNotEqualTo(bytes);
    }
  }

  @Test
  void aSmallShareOfRowsRepeatsAKeyOrLacksARequiredValue() throws IOException {
    GeneratedData data = EcommerceDataGenerator.generate(dir, 200_000, 11);
    List<String> lines = Files.readAllLines(data.file("customer_events").path());
    Set<String> keys = new HashSet<>();
    long repeated = 0;
    long missingCustomer = 0;
    for (String line : lines.subList(1, lines.size())) {
      String[] fields = line.split(",", -1);
      repeated += keys.add(fields[0]) ? 0 : 1;
      missingCustomer += fields[1].isEmpty() ? 1 : 0;
    }

    long rows = lines.size() - 1;
    assertThat(repeated).isBetween(rows / 2_000, rows / 500);
    assertThat(missingCustomer).isBetween(rows / 2_000, rows / 500);
  }

  @Test
  void anIncrementAddsNewKeysInLaterWeeks() throws IOException {
    GeneratedData base = EcommerceDataGenerator.generate(dir, 20_000, 5);
    GeneratedData increment = EcommerceDataGenerator.generateIncrement(dir, 20_000, 0.01, 1, 5);

    assertThat(increment.files()).extracting(file -> file.path().getFileName().toString())
        .containsExactly("customer_events_increment_1.csv", "payment_transactions_increment_1.csv",
            "inventory_snapshots_increment_1.csv", "support_tickets_increment_1.csv");
    assertThat(increment.file("customer_events").rows()).isEqualTo(Math.round(base.file("customer_events").rows() * 0.01));
    Set<String> baseKeys = new HashSet<>();
    Files.readAllLines(base.file("payment_transactions").path()).forEach(line -> baseKeys.add(line.split(",")[0]));
    List<String> added = Files.readAllLines(increment.file("payment_transactions").path());
    for (String line : added.subList(1, added.size())) {
      assertThat(baseKeys).doesNotContain(line.split(",")[0]);
      assertThat(line.split(",")[7]).startsWith("2025-01-");
    }
  }

  @Test
  void tooFewRowsAreRefusedWithTheReason() {
    assertThatThrownBy(() -> EcommerceDataGenerator.generate(dir, 3, 1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("Cannot split 3 rows over 4 tables: give at least 4");
  }

  private static String firstLine(GeneratedData data, String table) throws IOException {
    return Files.readAllLines(data.file(table).path()).get(0);
  }

  private static List<String> fields(GeneratedData data, String table, int line) throws IOException {
    return List.of(Files.readAllLines(data.file(table).path()).get(line).split(",", -1));
  }
}
