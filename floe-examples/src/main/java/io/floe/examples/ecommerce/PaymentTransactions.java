package io.floe.examples.ecommerce;

import io.floe.examples.csv.CsvOutput;

/** payment_transactions.csv: one payment per order; the payment model keys on payment_status and risk_score. */
final class PaymentTransactions implements EcommerceTable {
  static final String[] PAYMENT_METHODS =
      {"credit_card", "debit_card", "paypal", "apple_pay", "google_pay", "bank_transfer"};
  static final String[] PAYMENT_STATUSES = {"completed", "pending", "failed", "refunded", "cancelled"};
  private static final int[] STATUS_WEIGHTS = {70, 8, 10, 7, 5};
  private static final String[] CURRENCIES = {"USD", "EUR", "GBP", "CAD", "AUD"};
  static final String[] COUNTRIES = {"US", "UK", "CA", "AU", "DE", "FR", "IT", "ES", "NL", "BE"};
  private static final String[] DECLINE_CODES = {"01", "05", "51", "54", "61", "65"};

  @Override
  public String name() {
    return "payment_transactions";
  }

  @Override
  public String header() {
    return "transaction_id,order_id,customer_id,payment_method,payment_status,amount,currency,"
        + "transaction_timestamp,processor_response_code,gateway_fee,merchant_id,billing_country,risk_score";
  }

  @Override
  public long rowsAtFullScale() {
    return 1_000_000;
  }

  @Override
  public void writeRow(CsvOutput out, long id, RowContext context, boolean nullInCheckedColumn) {
    int status = context.weighted(STATUS_WEIGHTS);
    long amountCents = 1_000 + context.random().nextLong(199_001);
    out.id("TXN", id, 9)
        .id("ORD", id, 9)
        .id("CUST", context.customer(), 6)
        .text(PAYMENT_METHODS[context.random().nextInt(PAYMENT_METHODS.length)])
        .text(PAYMENT_STATUSES[status]);
    if (nullInCheckedColumn) {
      out.empty();
    } else {
      out.cents(amountCents);
    }
    out.text(CURRENCIES[context.random().nextInt(CURRENCIES.length)])
        .timestamp(context.timestampInPeriod())
        .text(status == 0 ? "00" : DECLINE_CODES[context.random().nextInt(DECLINE_CODES.length)])
        .cents(amountCents * (200 + context.random().nextInt(201)) / 10_000)
        .id("MERCH", 1 + context.random().nextInt(50), 4)
        .text(COUNTRIES[context.random().nextInt(COUNTRIES.length)])
        .cents(context.random().nextInt(10_001))
        .endRow();
  }
}
