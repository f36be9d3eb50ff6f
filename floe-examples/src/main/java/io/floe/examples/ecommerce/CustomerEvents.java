package io.floe.examples.ecommerce;

import io.floe.examples.csv.CsvOutput;

/**
 * customer_events.csv: clickstream events. Events of a session share its customer, device,
 * referrer and user agent and fall within 30 minutes of its start, so that the sessions model finds
 * real sessions (durations, conversions, abandoned carts).
 */
final class CustomerEvents implements EcommerceTable {
  static final String[] EVENT_TYPES =
      {"page_view", "product_view", "add_to_cart", "remove_from_cart", "checkout_start", "purchase"};
  private static final int[] EVENT_WEIGHTS = {35, 30, 15, 5, 8, 7};
  private static final String[] PAGE_SECTIONS = {
      "https://shop.example.com/category/", "https://shop.example.com/products/", "https://shop.example.com/cart/",
      "https://shop.example.com/cart/", "https://shop.example.com/checkout/", "https://shop.example.com/checkout/"};
  static final String[] DEVICE_TYPES = {"desktop", "mobile", "tablet"};
  static final String[] REFERRER_SOURCES =
      {"google", "facebook", "instagram", "direct", "email", "affiliate", "bing", "twitter"};
  private static final String[] USER_AGENTS = {
      "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36",
      "Mozilla/5.0 (iPhone; CPU iPhone OS 16_0 like Mac OS X)",
      "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7)",
      "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36",
      "Mozilla/5.0 (iPad; CPU OS 15_0 like Mac OS X)"};
  private static final int SESSION_SECONDS = 1800;

  @Override
  public String name() {
    return "customer_events";
  }

  @Override
  public String header() {
    return "event_id,customer_id,session_id,event_type,event_timestamp,page_url,product_id,category_id,"
        + "referrer_source,device_type,user_agent,ip_address";
  }

  @Override
  public long rowsAtFullScale() {
    return 2_000_000;
  }

  @Override
  public void writeRow(CsvOutput out, long id, RowContext context, boolean nullInCheckedColumn) {
    long session = context.firstSession() + context.random().nextLong(context.sessions());
    long traits = RowContext.mix(session);
    long sessionSpan = context.periodDays() * RowContext.SECONDS_PER_DAY - SESSION_SECONDS;
    long sessionStart = context.periodStart() + Math.floorMod(traits, sessionSpan);
    int type = context.weighted(EVENT_WEIGHTS);
    out.id("EVT", id, 9);
    if (nullInCheckedColumn) {
      out.empty();
    } else {
      out.id("CUST", 1 + Math.floorMod(traits >>> 8, context.customers()), 6);
    }
    out.id("SESS", session, 8)
        .text(EVENT_TYPES[type])
        .timestamp(sessionStart + context.random().nextInt(SESSION_SECONDS))
        .id(PAGE_SECTIONS[type], 1 + context.random().nextInt(1000), 1);
    if (type >= 1 && type <= 3) {
      long product = 1 + context.random().nextLong(context.products());
      out.id("PROD", product, 5).id("CAT", 1 + product % 100, 3);
    } else {
      out.empty().empty();
    }
    out.text(REFERRER_SOURCES[(int) ((traits >>> 40) % REFERRER_SOURCES.length)])
        .text(DEVICE_TYPES[(int) ((traits >>> 48) % DEVICE_TYPES.length)])
        .text(USER_AGENTS[(int) ((traits >>> 56) % USER_AGENTS.length)])
        .ipAddress(context.random().nextInt())
        .endRow();
  }
}
