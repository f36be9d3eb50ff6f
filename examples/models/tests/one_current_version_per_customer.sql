-- A customer never has two current versions.
select id, count(*) as current_versions
from {{ ref('customers_history') }}
where is_current
group by id
having count(*) > 1
